#include "CRelayLoop.h"

#include <librdkafka/rdkafka.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* One consumed record: where it came from and how many of its produced messages are not yet acknowledged. */
typedef struct relay_record {
    int32_t partition;
    int64_t offset;
    int remaining;
    int failed;
} relay_record;

#define RELAY_MAX_PARTITIONS 256

/* Shared by the loop and the delivery-report callback (which runs inside rd_kafka_poll/flush on this thread). */
typedef struct relay_state {
    rd_kafka_t *consumer;
    const char *input_topic;
    int64_t stored_next[RELAY_MAX_PARTITIONS];
    crl_result *result;
} relay_state;

static double relay_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double relay_cpu(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 + (double)usage.ru_stime.tv_sec +
           (double)usage.ru_stime.tv_usec / 1e6;
}

static int relay_fail(crl_result *result, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(result->error, sizeof result->error, format, args);
    va_end(args);
    return -1;
}

static int relay_configure(rd_kafka_conf_t *conf, const char *const pairs[][2], size_t count, crl_result *result) {
    char errstr[512];
    for (size_t i = 0; i < count; i++) {
        if (rd_kafka_conf_set(conf, pairs[i][0], pairs[i][1], errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            return relay_fail(result, "%s=%s: %s", pairs[i][0], pairs[i][1], errstr);
        }
    }
    return 0;
}

/* Counts the report; when a record's last message is acknowledged, stores its offset (never moving one back). */
static void relay_delivered(rd_kafka_t *rk, const rd_kafka_message_t *message, void *opaque) {
    (void)rk;
    relay_state *state = opaque;
    relay_record *record = message->_private;
    if (message->err) {
        state->result->failed++;
        record->failed = 1;
    } else {
        state->result->delivered++;
    }
    if (--record->remaining > 0 || record->failed) return;
    state->result->stored++;
    int32_t partition = record->partition;
    if (partition < 0 || partition >= RELAY_MAX_PARTITIONS || record->offset + 1 <= state->stored_next[partition]) {
        return;
    }
    state->stored_next[partition] = record->offset + 1;
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, state->input_topic, partition)->offset = record->offset + 1;
    rd_kafka_offsets_store(state->consumer, list);
    rd_kafka_topic_partition_list_destroy(list);
}

int crl_relay(const char *brokers, const char *input_topic, const char *group, const char *output_topic,
              int64_t events, int fanout, const crl_payloads *payloads, int idle_timeout_ms, crl_result *result) {
    memset(result, 0, sizeof *result);
    if (events <= 0 || fanout <= 0 || payloads->count == 0) return relay_fail(result, "nothing to relay");
    relay_state *state = calloc(1, sizeof *state);
    relay_record *records = calloc((size_t)events, sizeof *records);
    if (!state || !records) {
        free(state);
        free(records);
        return relay_fail(result, "out of memory");
    }
    state->input_topic = input_topic;
    state->result = result;

    char errstr[512];
    rd_kafka_conf_t *consumer_conf = rd_kafka_conf_new();
    const char *const consumer_properties[][2] = {
        {"bootstrap.servers", brokers},
        {"client.id", "assetforge-relay-c"},
        {"group.id", group},
        {"auto.offset.reset", "earliest"},
        {"enable.auto.commit", "true"},
        {"auto.commit.interval.ms", "1000"},
        {"enable.auto.offset.store", "false"},
        {"enable.partition.eof", "false"},
        {"partition.assignment.strategy", "cooperative-sticky"},
        {"session.timeout.ms", "6000"},
        {"heartbeat.interval.ms", "2000"},
        {"log_level", "4"},
    };
    rd_kafka_conf_t *producer_conf = rd_kafka_conf_new();
    const char *const producer_properties[][2] = {
        {"bootstrap.servers", brokers},
        {"client.id", "assetforge-relay-c"},
        {"enable.idempotence", "true"},
        {"acks", "all"},
        {"linger.ms", "5"},
        {"message.timeout.ms", "60000"},
        {"log_level", "4"},
    };
    int failed = relay_configure(consumer_conf, consumer_properties,
                                 sizeof consumer_properties / sizeof consumer_properties[0], result) != 0 ||
                 relay_configure(producer_conf, producer_properties,
                                 sizeof producer_properties / sizeof producer_properties[0], result) != 0;
    if (failed) {
        rd_kafka_conf_destroy(consumer_conf);
        rd_kafka_conf_destroy(producer_conf);
        free(state);
        free(records);
        return -1;
    }
    rd_kafka_conf_set_dr_msg_cb(producer_conf, relay_delivered);
    rd_kafka_conf_set_opaque(producer_conf, state);

    rd_kafka_t *consumer = rd_kafka_new(RD_KAFKA_CONSUMER, consumer_conf, errstr, sizeof errstr);
    if (!consumer) {
        rd_kafka_conf_destroy(producer_conf);
        free(state);
        free(records);
        return relay_fail(result, "rd_kafka_new (consumer): %s", errstr);
    }
    rd_kafka_poll_set_consumer(consumer);
    state->consumer = consumer;
    rd_kafka_t *producer = rd_kafka_new(RD_KAFKA_PRODUCER, producer_conf, errstr, sizeof errstr);
    if (!producer) {
        rd_kafka_destroy(consumer);
        free(state);
        free(records);
        return relay_fail(result, "rd_kafka_new (producer): %s", errstr);
    }
    /* A metadata request before timing, as AssetForge's producer connects before it runs. */
    const struct rd_kafka_metadata *metadata = NULL;
    if (rd_kafka_metadata(producer, 0, NULL, &metadata, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_metadata_destroy(metadata);
    }

    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, input_topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    int status = 0;
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        status = relay_fail(result, "subscribe: %s", rd_kafka_err2str(err));
        goto done;
    }

    static const char content_type[] = "application/cloudevents+json";
    double start = 0, start_cpu = 0, last_progress = relay_now();
    int64_t count_at_last_check = 0;
    size_t next_payload = 0;
    while (result->consumed < events) {
        rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, 100);
        if (!message) {
            rd_kafka_poll(producer, 0);
            double now = relay_now();
            if (result->consumed != count_at_last_check) {
                count_at_last_check = result->consumed;
                last_progress = now;
            } else if ((now - last_progress) * 1000 > idle_timeout_ms) {
                status = relay_fail(result, "no record for %d ms after %lld", idle_timeout_ms,
                                    (long long)result->consumed);
                goto done;
            }
            continue;
        }
        if (message->err) {
            rd_kafka_message_destroy(message);
            continue;
        }
        if (result->consumed == 0) {
            start = relay_now();
            start_cpu = relay_cpu();
        }
        relay_record *record = &records[result->consumed++];
        record->partition = message->partition;
        record->offset = message->offset;
        record->remaining = fanout;
        rd_kafka_message_destroy(message);
        for (int i = 0; i < fanout; i++) {
            size_t p = next_payload;
            next_payload = (next_payload + 1) % payloads->count;
            for (;;) {
                err = rd_kafka_producev(
                    producer, RD_KAFKA_V_TOPIC(output_topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                    RD_KAFKA_V_KEY((void *)payloads->keys[p], payloads->key_lengths[p]),
                    RD_KAFKA_V_VALUE((void *)payloads->values[p], payloads->value_lengths[p]),
                    RD_KAFKA_V_HEADER("content-type", content_type, (ssize_t)(sizeof content_type - 1)),
                    RD_KAFKA_V_OPAQUE(record), RD_KAFKA_V_END);
                if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
                rd_kafka_poll(producer, 1);
            }
            if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                result->failed++;
                record->failed = 1;
                record->remaining--;
            }
        }
        rd_kafka_poll(producer, 0);
    }
    rd_kafka_flush(producer, 60000);
    err = rd_kafka_commit(consumer, NULL, 0);
    result->seconds = relay_now() - start;
    result->cpu_seconds = relay_cpu() - start_cpu;
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
        status = relay_fail(result, "commit: %s", rd_kafka_err2str(err));
    }

done:
    rd_kafka_destroy(producer);
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    free(state);
    free(records);
    return status;
}

double crl_process_cpu(void) { return relay_cpu(); }

void crl_line_buffered_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }
