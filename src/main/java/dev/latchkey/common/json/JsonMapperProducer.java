package dev.latchkey.common.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * The application's {@code ObjectMapper}: Quarkus' own producer does nothing but {@code new ObjectMapper()} and apply
 * the customizers in descending priority; this one does the same on a {@link SafeJsonFactory}.
 */
public class JsonMapperProducer {

    @Produces
    @Singleton
    ObjectMapper objectMapper(Instance<ObjectMapperCustomizer> customizers) {
        ObjectMapper mapper = new ObjectMapper(new SafeJsonFactory());
        List<ObjectMapperCustomizer> sorted = new ArrayList<>();
        customizers.forEach(sorted::add);
        Collections.sort(sorted);
        sorted.forEach(c -> c.customize(mapper));
        return mapper;
    }
}
