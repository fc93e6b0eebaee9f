/** Latchkey: a self-hosted API-key service. */
package dev.latchkey;
