package dev.rialto.rest.internal.resources;

import dev.rialto.api.scoring.InterestScorer;
import dev.rialto.api.scoring.ModelInfo;
import dev.rialto.api.scoring.ModelNotFoundException;
import dev.rialto.api.scoring.ModelRefusal;
import dev.rialto.api.scoring.ModelRegistry;
import dev.rialto.api.scoring.ModelUnavailableException;
import dev.rialto.api.scoring.ScoreResult;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.ws.rs.core.SecurityContext;

/** Hand-written fakes of the scoring services and of the auth filter's security context. */
final class FakeModels {
    static final Instant TRAINED = Instant.parse("2025-06-01T09:00:00Z");
    static final Instant LOADED = Instant.parse("2025-06-01T10:00:00Z");

    private FakeModels() {
    }

    static ModelInfo ranker(String version) {
        return new ModelInfo("ranker", version, List.of("item_popularity"), Map.of("auc", 0.8),
                version.equals("v1") ? null : TRAINED, LOADED);
    }

    /** ranker v1 and v2 (active), one refusal; rollback goes to v1 once. */
    static final class Registry implements ModelRegistry {
        final List<String> rollbacks = new ArrayList<>();
        String active = "v2";

        @Override
        public List<ModelInfo> models() {
            return List.of(ranker("v1"), ranker("v2"));
        }

        @Override
        public Optional<ModelInfo> active(String name) {
            return "ranker".equals(name) && active != null ? Optional.of(ranker(active)) : Optional.empty();
        }

        @Override
        public Map<String, Double> baselines(String name, String version) {
            return Map.of("popularity.auc", 0.5);
        }

        @Override
        public List<ModelRefusal> refusals() {
            return List.of(new ModelRefusal("ranker", "v3", "model.onnx", "model.onnx: is missing"));
        }

        @Override
        public ModelInfo rollback(String name) {
            rollbacks.add(name);
            if (!"v2".equals(active)) {
                throw new ModelNotFoundException(name, "model '" + name + "' has no valid version before "
                        + active + " to roll back to");
            }
            active = "v1";
            return ranker(active);
        }

        @Override
        public void rescan() {
        }
    }

    /** Scores every item 1 / (1 + index); fails as told. */
    static final class Scorer implements InterestScorer {
        final List<String> users = new ArrayList<>();
        final List<List<String>> calls = new ArrayList<>();
        RuntimeException failure;

        @Override
        public Optional<ModelInfo> activeModel() {
            return Optional.of(ranker("v2"));
        }

        @Override
        public ScoreResult score(String userId, List<String> itemIds) {
            users.add(userId);
            calls.add(List.copyOf(itemIds));
            if (failure != null) {
                throw failure;
            }
            Map<String, Double> scores = new LinkedHashMap<>();
            for (int i = 0; i < itemIds.size(); i++) {
                scores.put(itemIds.get(i), 1.0 / (1 + i));
            }
            return new ScoreResult(ranker("v2"), scores);
        }
    }

    static SecurityContext user(String name, String... roles) {
        Set<String> granted = Set.of(roles);
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return () -> name;
            }

            @Override
            public boolean isUserInRole(String role) {
                return granted.contains(role);
            }

            @Override
            public boolean isSecure() {
                return false;
            }

            @Override
            public String getAuthenticationScheme() {
                return SecurityContext.BASIC_AUTH;
            }
        };
    }

    static ModelUnavailableException noModel() {
        return new ModelUnavailableException("no model 'ranker' is loaded from /models");
    }
}
