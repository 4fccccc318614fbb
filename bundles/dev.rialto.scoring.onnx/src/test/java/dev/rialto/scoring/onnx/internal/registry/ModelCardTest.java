package dev.rialto.scoring.onnx.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelCardTest {
    private static final List<String> KNOWN = List.of("user_category_affinity", "user_item_affinity",
            "item_popularity", "item_recent_popularity", "category_popularity", "user_activity", "user_price_fit");

    /** The example of docs/model-card.md with its "..." spelled out to 7 features. */
    static final String EXAMPLE = """
            {
              "name": "ranker",
              "version": "20261128T154500123Z",
              "createdAt": "2026-11-28T15:45:00.123Z",
              "framework": "tribuo 4.3.2 LogisticRegression",
              "signature": {
                "inputs": [
                  {"name": "input", "type": "float32", "shape": [-1, 7],
                   "features": ["user_category_affinity", "user_item_affinity", "item_popularity",
                                "item_recent_popularity", "category_popularity", "user_activity", "user_price_fit"]}
                ],
                "outputs": [
                  {"name": "output", "type": "float32", "shape": [-1, 2], "positiveIndex": 1}
                ]
              },
              "training": {"from": "2026-01-01T00:00:00Z", "to": "2026-11-28T15:00:00Z", "splitAt": "2026-11-20T00:00:00Z",
                           "trainRows": 40000, "testRows": 9000, "events": 100000, "historyLimit": 100},
              "metrics": {"auc": 0.81, "logloss": 0.42, "hr@10": 0.31, "ndcg@10": 0.17},
              "baselines": {"popularity.hr@10": 0.12, "popularity.ndcg@10": 0.06}
            }
            """;

    private static ModelCard parse(String json) {
        return ModelCard.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static InvalidModelException refused(String json) {
        return assertThrows(InvalidModelException.class, () -> parse(json).check("ranker", "20261128T154500123Z", KNOWN));
    }

    @Test
    void readsTheDocumentedFormat() {
        ModelCard card = parse(EXAMPLE);
        card.check("ranker", "20261128T154500123Z", KNOWN);
        assertEquals("ranker", card.name());
        assertEquals("20261128T154500123Z", card.version());
        assertEquals(Instant.parse("2026-11-28T15:45:00.123Z"), card.createdAt());
        assertEquals("input", card.inputName());
        assertEquals(KNOWN, card.features());
        assertEquals("output", card.outputName());
        assertEquals(2, card.outputWidth());
        assertEquals(1, card.positiveIndex());
        assertEquals(Map.of("auc", 0.81, "logloss", 0.42, "hr@10", 0.31, "ndcg@10", 0.17), card.metrics());
        assertEquals(0.12, card.baselines().get("popularity.hr@10"));
        assertEquals(100, card.historyLimit());
    }

    @Test
    void optionalPartsMayBeLeftOut() {
        String minimal = EXAMPLE.replace("\"createdAt\": \"2026-11-28T15:45:00.123Z\",", "")
                .replaceAll("(?s)\"training\".*", "\"extra\": true}");
        ModelCard card = parse(minimal);
        assertNull(card.createdAt());
        assertTrue(card.metrics().isEmpty());
        assertEquals(0, card.historyLimit(), "no training section: no limit of its own");
    }

    @Test
    void eachBrokenRuleIsRefusedNamingItsField() {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("\"shape\": [-1, 7]", "\"shape\": [-1, 6]=signature.inputs[0].shape"),
                Map.entry("\"shape\": [-1, 2]", "\"shape\": [-1, 2, 1]=signature.outputs[0].shape"),
                Map.entry("\"positiveIndex\": 1", "\"positiveIndex\": 2=signature.outputs[0].positiveIndex"),
                Map.entry("\"positiveIndex\": 1}", "\"positiveIndex\": -1}=signature.outputs[0].positiveIndex"),
                Map.entry("\"user_price_fit\"]", "\"user_shoe_size\"]=signature.inputs[0].features[6]"),
                Map.entry("\"item_popularity\",", "\"user_item_affinity\",=signature.inputs[0].features[2]"),
                Map.entry("\"name\": \"ranker\"", "\"name\": \"other\"=name"),
                Map.entry("\"version\": \"20261128T154500123Z\"", "\"version\": \"20261128T000000000Z\"=version"),
                Map.entry("\"type\": \"float32\", \"shape\": [-1, 7]",
                        "\"type\": \"float16\", \"shape\": [-1, 7]=signature.inputs[0].type"),
                Map.entry("\"type\": \"float32\", \"shape\": [-1, 7],",
                        "\"type\": \"int64\", \"shape\": [-1, 7],=signature.inputs[0].feature"),
                Map.entry("\"auc\": 0.81", "\"auc\": \"high\"=metrics.auc"),
                Map.entry("\"createdAt\": \"2026-11-28T15:45:00.123Z\"", "\"createdAt\": \"yesterday\"=createdAt"),
                Map.entry("\"shape\": [-1, 2], ", "=signature.outputs[0].shape"));
        cases.forEach((from, toAndField) -> {
            String to = toAndField.substring(0, toAndField.lastIndexOf('='));
            String field = toAndField.substring(toAndField.lastIndexOf('=') + 1);
            assertTrue(EXAMPLE.contains(from), from);
            InvalidModelException e = refused(EXAMPLE.replace(from, to));
            assertEquals(field, e.field(), e.getMessage());
            assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
        });
    }

    @Test
    void badIdInputsOrBrokenJsonAreRefused() {
        String untyped = EXAMPLE.replace("\"inputs\": [", "\"inputs\": [{\"name\": \"ids\"},");
        assertEquals("signature.inputs[0].type", refused(untyped).field());
        String history = "{\"name\": \"history\", \"type\": \"int64\", \"shape\": [-1, 20], "
                + "\"feature\": \"history_item_ids\"},";
        String withHistory = EXAMPLE.replace("\"inputs\": [", "\"inputs\": [" + history);
        assertEquals("vocabulary", refused(withHistory).field(), "id inputs need a vocabulary");
        String vocabulary = "\"vocabulary\": {\"file\": \"vocabulary.txt\", \"padding\": 0, \"oov\": 1, "
                + "\"first\": 2},";
        ModelCard both = ModelCard.parse(withHistory.replace("\"signature\":", vocabulary + "\"signature\":")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(2, both.inputs().size());
        assertEquals("input", both.inputName(), "the dense input keeps its features");
        assertEquals(20, both.inputs().get(0).width());
        assertEquals("vocabulary.txt", both.vocabulary().file());
        assertEquals("vocabulary.file", refused(withHistory.replace("\"signature\":", vocabulary.replace(
                "vocabulary.txt", "../etc/passwd") + "\"signature\":")).field());
        assertEquals("vocabulary", refused(withHistory.replace("\"signature\":", vocabulary.replace(
                "\"first\": 2", "\"first\": 1") + "\"signature\":")).field());
        String wrongFeature = EXAMPLE.replace("\"inputs\": [", "\"inputs\": [" + history.replace(
                "history_item_ids", "user_age"));
        assertEquals("signature.inputs[0].feature", refused(wrongFeature).field());
        String candidateTooWide = EXAMPLE.replace("\"inputs\": [", "\"inputs\": [" + history.replace(
                "history_item_ids", "candidate_item_id"));
        assertEquals("signature.inputs[0].shape", refused(candidateTooWide).field());
        String twoDense = EXAMPLE.replace("\"inputs\": [", "\"inputs\": [{\"name\": \"more\", \"type\": "
                + "\"float32\", \"shape\": [-1, 1], \"features\": [\"item_popularity\"]},");
        assertEquals("signature.inputs[1]", refused(twoDense).field());
        assertEquals("model.json", refused("{ not json").field());
        assertEquals("signature", refused("{\"name\": \"ranker\", \"version\": \"20261128T154500123Z\"}").field());
    }

    /** An indexed-layout card as the trainer writes it (docs/model-card.md), over the 7 known features. */
    static final String INDEXED = """
            {
              "name": "ranker",
              "version": "20261128T154500123Z",
              "signature": {
                "layout": "indexed/1",
                "features": ["user_category_affinity", "user_item_affinity", "item_popularity",
                             "item_recent_popularity", "category_popularity", "user_activity", "user_price_fit"],
                "inputs": [
                  {"name": "candidates", "type": "int64", "shape": [-1], "feature": "candidate_index"},
                  {"name": "item_values", "type": "float32", "shape": [-1, 7], "feature": "item_values",
                   "columns": ["item_popularity", "item_recent_popularity", "category_popularity", "item_price_log",
                               "item_available", "item_known", "item_repeat_rate"]},
                  {"name": "item_keys", "type": "int64", "shape": [-1], "feature": "item_keys"},
                  {"name": "item_vectors", "type": "float32", "shape": [-1, -1], "feature": "item_vectors"},
                  {"name": "user_values", "type": "float32", "shape": [-1, 4], "feature": "user_values",
                   "columns": ["user_category_affinity", "user_subcategory_affinity", "user_recency_category",
                               "user_activity"]},
                  {"name": "user_vector", "type": "float32", "shape": [-1, 1], "feature": "user_vector"},
                  {"name": "user_items", "type": "float32", "shape": [-1, 7], "feature": "user_items",
                   "columns": ["user_item_affinity", "user_item_purchased", "user_item_recency",
                               "user_item_purchase_days", "user_item_decayed_affinity", "user_item_repeat",
                               "user_price_fit"]}
                ],
                "outputs": [{"name": "output", "type": "float32", "shape": [-1, 2], "positiveIndex": 1}]
              }
            }
            """;

    @Test
    void readsAnIndexedLayoutCard() {
        ModelCard card = parse(INDEXED);
        card.check("ranker", "20261128T154500123Z", KNOWN);
        assertTrue(card.indexed());
        assertEquals(KNOWN, card.features());
        assertEquals(KNOWN, card.allFeatures());
        assertEquals(7, card.inputs().size());
        assertEquals("user_items", card.input("user_items").name());
        assertEquals(List.of(-1L), card.input("candidate_index").shape());
        assertNull(card.inputName());
    }

    @Test
    void refusesAnIndexedCardThatDoesNotMatchTheLayout() {
        assertEquals("signature.layout", refused(INDEXED.replace("\"indexed/1\"", "\"indexed/2\"")).field());
        assertEquals("signature.inputs[2].shape", refused(INDEXED.replace(
                "\"shape\": [-1], \"feature\": \"item_keys\"", "\"shape\": [-1, 1], \"feature\": \"item_keys\"")).field());
        assertEquals("signature.inputs[0].type", refused(INDEXED.replace(
                "\"candidates\", \"type\": \"int64\"", "\"candidates\", \"type\": \"float32\"")).field());
        assertEquals("signature.inputs[6].columns", refused(INDEXED.replace(
                "\"user_item_repeat\",\n", "")).field());
        assertEquals("signature.inputs[5].feature", refused(INDEXED.replace(
                "\"feature\": \"user_vector\"", "\"feature\": \"user_values\"")).field());
        assertEquals("signature.features[6]", refused(INDEXED.replace(
                "\"user_price_fit\"],", "\"ad_user_ctr\"],")).field());
        // A feature the extractor does not know (the layout does).
        ModelCard card = parse(INDEXED);
        InvalidModelException unknown = assertThrows(InvalidModelException.class,
                () -> card.check("ranker", "20261128T154500123Z", KNOWN.subList(0, 6)));
        assertEquals("signature.features[6]", unknown.field());
    }
}
