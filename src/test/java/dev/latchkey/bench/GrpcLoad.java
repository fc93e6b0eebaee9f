package dev.latchkey.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

/**
 * gRPC Check load: {@code inFlight} calls outstanding over {@code channels} HTTP/2 connections for {@code seconds}, a
 * different key per call from the key file; prints checks per second and how many were allowed. usage: GrpcLoad host
 * port keys-file seconds [inFlight] [channels]
 */
public final class GrpcLoad {

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        List<String> keys = Files.readAllLines(Path.of(args[2]));
        int seconds = Integer.parseInt(args[3]);
        int inFlight = args.length > 4 ? Integer.parseInt(args[4]) : 64;
        int channelCount = args.length > 5 ? Integer.parseInt(args[5]) : 4;
        CheckRequest[] requests = new CheckRequest[keys.size()];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = CheckRequest.newBuilder()
                    .setAttributes(AttributeContext.newBuilder()
                            .setRequest(AttributeContext.Request.newBuilder()
                                    .setHttp(AttributeContext.HttpRequest.newBuilder()
                                            .putHeaders("x-api-key", keys.get(i)).setMethod("GET").setPath("/docs"))))
                    .build();
        }
        ManagedChannel[] channels = new ManagedChannel[channelCount];
        AuthorizationGrpc.AuthorizationStub[] stubs = new AuthorizationGrpc.AuthorizationStub[channelCount];
        for (int i = 0; i < channelCount; i++) {
            channels[i] = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
            stubs[i] = AuthorizationGrpc.newStub(channels[i]);
        }
        Semaphore permits = new Semaphore(inFlight);
        AtomicLong done = new AtomicLong();
        AtomicLong allowed = new AtomicLong();
        for (int phase = 0; phase < 2; phase++) { // a warm-up phase of the same length, then the measured one
            done.set(0);
            allowed.set(0);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long started = System.nanoTime();
            int i = 0;
            while (System.nanoTime() < end) {
                permits.acquire();
                CheckRequest r = requests[i++ % requests.length];
                stubs[i % channelCount].check(r, new StreamObserver<>() {
                    @Override
                    public void onNext(CheckResponse value) {
                        if (value.getStatus().getCode() == 0) {
                            allowed.incrementAndGet();
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        permits.release();
                    }

                    @Override
                    public void onCompleted() {
                        done.incrementAndGet();
                        permits.release();
                    }
                });
            }
            permits.acquire(inFlight);
            permits.release(inFlight);
            double secs = (System.nanoTime() - started) / 1e9;
            if (phase == 1) {
                System.out.printf("%d %d%n", Math.round(done.get() / secs), allowed.get());
            }
        }
        for (ManagedChannel c : channels) {
            c.shutdownNow();
        }
    }
}
