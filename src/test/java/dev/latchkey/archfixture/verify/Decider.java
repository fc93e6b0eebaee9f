package dev.latchkey.archfixture.verify;

import dev.latchkey.archfixture.vocabulary.Word;

/** ArchitectureTest's fixture: a downward dependency, closing the cycle {@link Word} opened. */
public class Decider {
    Word down;
}
