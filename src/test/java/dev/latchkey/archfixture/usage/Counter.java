package dev.latchkey.archfixture.usage;

/** ArchitectureTest's fixture: depends on nothing. */
public class Counter {
    long n;
}
