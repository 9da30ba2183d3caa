#ifndef ASSETFORGE_CKAFKALOOPS_H
#define ASSETFORGE_CKAFKALOOPS_H

/* librdkafka's own produce and consume loops, used as the reference for the Swift binding's throughput.
 * Both calls block until done; run them off Swift's cooperative thread pool. */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A pool of message keys and values, cycled through by the produce loop. The memory stays owned by the caller. */
typedef struct ckl_payloads {
    /* `count` values of `value_size` bytes each, back to back. */
    const unsigned char *values;
    size_t value_size;
    /* `count` keys, `key_stride` bytes apart; key i is `key_lengths[i]` bytes long. */
    const unsigned char *keys;
    size_t key_stride;
    const size_t *key_lengths;
    size_t count;
} ckl_payloads;

/* The outcome of one loop. */
typedef struct ckl_result {
    /* Produce: messages acknowledged by the broker. Consume: messages received. */
    int64_t messages;
    /* Produce: messages that failed (enqueue error or failed delivery report). */
    int64_t failed;
    /* Seconds of the timed part (see each function). */
    double seconds;
    /* CPU seconds (user + system) the whole process used during the timed part, librdkafka's threads included. */
    double cpu_seconds;
    /* Empty on success, otherwise what went wrong. */
    char error[512];
} ckl_result;

/* Produces `messages` messages to `topic` (which should exist) with rd_kafka_produceva in a tight loop, serving
 * rd_kafka_poll(rk, 0) after each message, retrying after rd_kafka_poll(rk, 1) on a full queue, then
 * rd_kafka_flush. Producer: enable.idempotence=true, acks=all, linger.ms=5, message.timeout.ms=60000.
 * Timed: from the first produce call until flush returned (every delivery report served). The client's
 * creation and a first metadata request are not timed. Returns 0 on success, -1 on error (see result->error). */
int ckl_produce(const char *brokers, const char *topic, const ckl_payloads *payloads, int64_t messages,
                ckl_result *result);

/* Consumes `messages` messages of `topic` with a high-level consumer in group `group` (which should be fresh):
 * auto.offset.reset=earliest, enable.auto.commit=false, partition.assignment.strategy=cooperative-sticky,
 * session.timeout.ms=6000, one rd_kafka_consumer_poll per message. Timed: from the first message to the last,
 * so the group join is excluded. Gives up when no message arrives for `idle_timeout_ms` (result->messages is then
 * below `messages`). The consumer is closed (untimed) before returning. Returns 0 on success, -1 on error. */
int ckl_consume(const char *brokers, const char *topic, const char *group, int64_t messages, int idle_timeout_ms,
                ckl_result *result);

/* CPU seconds (user + system) the whole process has used so far (getrusage). */
double ckl_process_cpu(void);

#ifdef __cplusplus
}
#endif

#endif
