#include "loops_common.h"

#include <string.h>

/* Delivery counters, updated by the delivery-report callback (served by rd_kafka_poll/flush on this thread). */
typedef struct produce_counters {
    int64_t delivered;
    int64_t failed;
} produce_counters;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *message, void *opaque) {
    (void)rk;
    produce_counters *counters = opaque;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        counters->delivered++;
    } else {
        counters->failed++;
    }
}

int ckl_produce(const char *brokers, const char *topic, const ckl_payloads *payloads, int64_t messages,
                ckl_result *result) {
    memset(result, 0, sizeof *result);
    if (payloads->count == 0) return ckl_fail(result, "no payloads");

    produce_counters counters = {0, 0};
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    const char *const properties[][2] = {
        {"bootstrap.servers", brokers},
        {"client.id", "assetforge-benchmark-c"},
        {"enable.idempotence", "true"},
        {"acks", "all"},
        {"linger.ms", "5"},
        {"message.timeout.ms", "60000"},
        {"log_level", "4"},
    };
    if (ckl_conf_set_all(conf, properties, sizeof properties / sizeof properties[0], result) != 0) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, &counters);

    char errstr[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        return ckl_fail(result, "rd_kafka_new: %s", errstr);
    }

    /* Untimed: connect, as the Swift producer's connect() does with the same metadata request. */
    const struct rd_kafka_metadata *metadata = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, NULL, &metadata, 10000);
    if (metadata) rd_kafka_metadata_destroy(metadata);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_destroy(rk);
        return ckl_fail(result, "metadata: %s", rd_kafka_err2str(err));
    }

    int64_t enqueue_failed = 0;
    double start = ckl_now();
    double start_cpu = ckl_process_cpu();
    for (int64_t i = 0; i < messages; i++) {
        size_t slot = (size_t)(i % (int64_t)payloads->count);
        rd_kafka_vu_t vus[4];
        vus[0].vtype = RD_KAFKA_VTYPE_TOPIC;
        vus[0].u.cstr = topic;
        vus[1].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        vus[1].u.i = RD_KAFKA_MSG_F_COPY;
        vus[2].vtype = RD_KAFKA_VTYPE_VALUE;
        vus[2].u.mem.ptr = (void *)(payloads->values + slot * payloads->value_size);
        vus[2].u.mem.size = payloads->value_size;
        vus[3].vtype = RD_KAFKA_VTYPE_KEY;
        vus[3].u.mem.ptr = (void *)(payloads->keys + slot * payloads->key_stride);
        vus[3].u.mem.size = payloads->key_lengths[slot];
        for (;;) {
            rd_kafka_error_t *error = rd_kafka_produceva(rk, vus, 4);
            if (!error) break;
            rd_kafka_resp_err_t code = rd_kafka_error_code(error);
            rd_kafka_error_destroy(error);
            if (code == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                rd_kafka_poll(rk, 1);
                continue;
            }
            enqueue_failed++;
            break;
        }
        rd_kafka_poll(rk, 0);
    }
    err = rd_kafka_flush(rk, 60000);
    double end = ckl_now();
    double end_cpu = ckl_process_cpu();

    result->messages = counters.delivered;
    result->failed = counters.failed + enqueue_failed;
    result->seconds = end - start;
    result->cpu_seconds = end_cpu - start_cpu;
    rd_kafka_destroy(rk);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return ckl_fail(result, "flush: %s", rd_kafka_err2str(err));
    return 0;
}
