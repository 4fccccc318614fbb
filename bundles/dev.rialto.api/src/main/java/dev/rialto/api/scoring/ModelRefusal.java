package dev.rialto.api.scoring;

import dev.rialto.api.common.Require;

/**
 * A model version the registry refused to serve.
 *
 * @param name    the model's name (its folder under the models folder)
 * @param version the version folder that was refused
 * @param field   the offending field of the card or file, for example {@code signature.inputs[0].shape} or
 *                {@code model.onnx}
 * @param reason  what is wrong with it, for a person
 */
public record ModelRefusal(String name, String version, String field, String reason) {
    public ModelRefusal {
        Require.nonBlank(name, "name");
        Require.nonBlank(version, "version");
        Require.nonBlank(field, "field");
        Require.nonBlank(reason, "reason");
    }
}
