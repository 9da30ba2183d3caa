#ifndef ASSETFORGE_CRELAYLOOP_H
#define ASSETFORGE_CRELAYLOOP_H

/* A relay loop in plain C over librdkafka, with no application work: the reference AssetForge's replay path is
 * measured against. The call blocks until done; run it off Swift's cooperative thread pool. */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The messages the relay produces: `count` keys and values, each `key_lengths[i]` / `value_lengths[i]` bytes at
 * `keys[i]` / `values[i]`. Consumed event number n (in arrival order) produces payloads n*fanout .. n*fanout+fanout-1
 * (modulo count). The memory stays owned by the caller. */
typedef struct crl_payloads {
    const unsigned char *const *keys;
    const size_t *key_lengths;
    const unsigned char *const *values;
    const size_t *value_lengths;
    size_t count;
} crl_payloads;

/* The outcome of one relay run. */
typedef struct crl_result {
    /* Records consumed. */
    int64_t consumed;
    /* Produced messages the broker acknowledged. */
    int64_t delivered;
    /* Produced messages that failed (enqueue error or failed delivery report). */
    int64_t failed;
    /* Records whose produced messages were all acknowledged, so their offsets were stored for commit. */
    int64_t stored;
    /* Seconds from the first consumed record until the final commit returned. */
    double seconds;
    /* CPU seconds (user + system) of the whole process during the timed part, librdkafka's threads included. */
    double cpu_seconds;
    /* Empty on success, otherwise what went wrong. */
    char error[512];
} crl_result;

/* Consumes `events` records of `input_topic` in the fresh group `group` and, for each, produces `fanout` messages
 * (header content-type: application/cloudevents+json) to `output_topic`; once all of a record's messages are
 * acknowledged its offset is stored, and stored offsets are committed every second and once more at the end
 * (synchronously, after rd_kafka_flush). Consumer as in the Kafka benchmark (earliest, cooperative-sticky,
 * session.timeout.ms=6000, enable.auto.offset.store=false); producer as AssetForge's (enable.idempotence=true,
 * acks=all, linger.ms=5). Returns 0 on success, -1 on error (see result->error). */
int crl_relay(const char *brokers, const char *input_topic, const char *group, const char *output_topic,
              int64_t events, int fanout, const crl_payloads *payloads, int idle_timeout_ms, crl_result *result);

/* CPU seconds (user + system) the whole process has used so far (getrusage). */
double crl_process_cpu(void);

/* Makes stdout line-buffered, so progress lines appear as they are printed also when stdout is a file. */
void crl_line_buffered_stdout(void);

#ifdef __cplusplus
}
#endif

#endif
