package dev.latchkey.common.http;

import java.lang.annotation.Annotation;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Map;
import java.util.function.BiFunction;

import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;

import dev.latchkey.common.Instants;
import dev.latchkey.error.ApiException;
import dev.latchkey.vocabulary.KeyKind;
import dev.latchkey.vocabulary.KeyState;

/**
 * Makes {@link Param}s of the types query parameters take: instants (ISO-8601, years 1-9999), key kinds and states. The
 * value is kept raw and converted when the service reads it.
 */
@Provider
public class ParamConverters implements ParamConverterProvider {

    /** Parsers by type: (parameter name, raw text) -> value, or a 400 naming the parameter. */
    private static final Map<Type, BiFunction<String, String, Object>> PARSERS = Map.of(Instant.class,
            (name, s) -> Instants.parse(name, s), KeyKind.class, (name, s) -> {
                KeyKind k = KeyKind.fromWire(s);
                if (k == null) {
                    throw ApiException.invalid(name, "must be personal, service or admin");
                }
                return k;
            }, KeyState.class, (name, s) -> {
                KeyState st = KeyState.fromWire(s);
                if (st == null) {
                    throw ApiException.invalid(name, "must be active, expired, revoked or disabled");
                }
                return st;
            });

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        if (rawType != Param.class || !(genericType instanceof ParameterizedType p)) {
            return null;
        }
        BiFunction<String, String, Object> parser = PARSERS.get(p.getActualTypeArguments()[0]);
        if (parser == null) {
            return null;
        }
        String name = "value";
        for (Annotation a : annotations) {
            if (a instanceof QueryParam q) {
                name = q.value();
            }
        }
        String param = name;
        return (ParamConverter<T>) new ParamConverter<Param<Object>>() {
            @Override
            public Param<Object> fromString(String value) { // null: the request has no such parameter
                return new Param<>(param, value, s -> parser.apply(param, s));
            }

            @Override
            public String toString(Param<Object> value) {
                return value.raw();
            }
        };
    }
}
