/**
 * Generated marketing copy: {@link dev.rialto.api.content.ContentProvider} plug-ins draft text, the
 * {@link dev.rialto.api.content.ContentGenerator} façade checks every draft against the guardrails, regenerates, and
 * falls back to the template provider.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package dev.rialto.api.content;
