/**
 * Targeting rules as data: a boolean expression tree ({@link Rule}) over the facts of one request
 * ({@link RuleFacts}), parsed from JSON and evaluated by the {@link RuleEvaluator} service. Ad targeting and campaign
 * segments share it; no scripting language ever evaluates user input.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.rialto.api.rules;
