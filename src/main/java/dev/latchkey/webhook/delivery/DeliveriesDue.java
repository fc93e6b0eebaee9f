package dev.latchkey.webhook.delivery;

/**
 * Fired inside a transaction that made deliveries due (new events, a redelivery, an endpoint enabled again): once it
 * commits, this replica's deliverer looks at once instead of at its next poll.
 */
public record DeliveriesDue() {
}
