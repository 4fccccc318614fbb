package dev.rialto.camel.internal.deploy;

import dev.rialto.camel.internal.registry.ServiceDirectory;
import dev.rialto.camel.internal.registry.ServiceHandle;
import java.util.List;

/** A directory without services. */
final class MapDirectory implements ServiceDirectory {
    @Override
    public ServiceHandle byBeanName(String name) {
        return null;
    }

    @Override
    public ServiceHandle byClassName(String className) {
        return null;
    }

    @Override
    public List<ServiceHandle> byType(Class<?> type) {
        return List.of();
    }

    @Override
    public ServiceHandle byId(long id) {
        return null;
    }
}
