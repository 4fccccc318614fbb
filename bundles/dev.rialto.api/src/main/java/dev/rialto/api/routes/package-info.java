/** The routes of Rialto's CamelContext and where each came from (route files, route services). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.rialto.api.routes;
