/** What the Rialto Camel bundle offers besides Camel itself: a view of the routes and where they came from. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.rialto.camel;
