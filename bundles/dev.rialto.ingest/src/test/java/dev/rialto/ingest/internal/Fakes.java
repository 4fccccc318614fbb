package dev.rialto.ingest.internal;

import dev.rialto.api.catalog.Item;
import dev.rialto.api.catalog.ItemRepository;
import dev.rialto.api.events.Event;
import dev.rialto.api.events.EventRepository;
import dev.rialto.api.events.EventType;
import dev.rialto.api.profiles.Profile;
import dev.rialto.api.profiles.ProfileRepository;
import java.lang.annotation.Annotation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** In-memory repositories that record each call's size. */
final class Fakes {
    private Fakes() {
    }

    static final class Items implements ItemRepository {
        final Map<String, Item> byId = new LinkedHashMap<>();
        final List<Integer> upsertSizes = new ArrayList<>();

        @Override
        public void upsert(Collection<Item> items) {
            upsertSizes.add(items.size());
            items.forEach(i -> byId.put(i.id(), i));
        }

        @Override
        public Optional<Item> find(String id) {
            return Optional.ofNullable(byId.get(id));
        }

        @Override
        public Map<String, Item> findAll(Collection<String> ids) {
            Map<String, Item> out = new HashMap<>();
            ids.forEach(id -> {
                if (byId.containsKey(id)) {
                    out.put(id, byId.get(id));
                }
            });
            return out;
        }

        @Override
        public long count() {
            return byId.size();
        }

        @Override
        public void forEach(Consumer<Item> consumer) {
            byId.values().forEach(consumer);
        }
    }

    static final class Events implements EventRepository {
        final Map<String, Event> byId = new LinkedHashMap<>();
        final List<Integer> appendSizes = new ArrayList<>();
        final List<String> appendThreads = new ArrayList<>();

        /** Synchronized: the chunks of a file or of a big batch come from two writer threads. */
        @Override
        public synchronized int append(Collection<Event> events) {
            appendThreads.add(Thread.currentThread().getName());
            appendSizes.add(events.size());
            int added = 0;
            for (Event e : events) {
                if (byId.putIfAbsent(e.id(), e) == null) {
                    added++;
                }
            }
            return added;
        }

        @Override
        public long count() {
            return byId.size();
        }

        @Override
        public List<Event> recentForUser(String userId, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void forEach(Instant from, Instant to, Consumer<Event> consumer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, Long> countByItem(Set<EventType> types, Instant since) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant newestTimestamp() {
            throw new UnsupportedOperationException();
        }
    }

    static final class Profiles implements ProfileRepository {
        final Map<String, Profile> byId = new LinkedHashMap<>();

        @Override
        public void upsert(Collection<Profile> profiles) {
            for (Profile p : profiles) {
                Profile old = byId.get(p.id());
                byId.put(p.id(), old == null ? p : new Profile(p.id(), p.attributes(), old.created(), p.updated()));
            }
        }

        @Override
        public Optional<Profile> find(String id) {
            return Optional.ofNullable(byId.get(id));
        }

        @Override
        public long count() {
            return byId.size();
        }
    }

    static CsvIngestor.Config config(String zone, int chunkSize, int maxFieldLength, int maxRejections) {
        return config(zone, chunkSize, maxFieldLength, maxRejections, "");
    }

    static CsvIngestor.Config config(String zone, int chunkSize, int maxFieldLength, int maxRejections,
            String mappingsDir) {
        return config(zone, chunkSize, maxFieldLength, maxRejections, mappingsDir, "");
    }

    static CsvIngestor.Config config(String zone, int chunkSize, int maxFieldLength, int maxRejections,
            String mappingsDir, String deadLetterDir) {
        return config(zone, chunkSize, maxFieldLength, maxRejections, mappingsDir, deadLetterDir, 2);
    }

    static CsvIngestor.Config config(String zone, int chunkSize, int maxFieldLength, int maxRejections,
            String mappingsDir, String deadLetterDir, int writers) {
        return new CsvIngestor.Config() {
            @Override
            public int writers() {
                return writers;
            }

            @Override
            public String deadLetterDir() {
                return deadLetterDir;
            }

            @Override
            public int deadLetterDays() {
                return 30;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return CsvIngestor.Config.class;
            }

            @Override
            public String zone() {
                return zone;
            }

            @Override
            public int chunkSize() {
                return chunkSize;
            }

            @Override
            public int maxFieldLength() {
                return maxFieldLength;
            }

            @Override
            public int maxRejections() {
                return maxRejections;
            }

            @Override
            public String mappingsDir() {
                return mappingsDir;
            }
        };
    }
}
