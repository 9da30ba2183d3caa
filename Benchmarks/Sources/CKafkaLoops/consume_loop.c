#include "loops_common.h"

#include <string.h>

int ckl_consume(const char *brokers, const char *topic, const char *group, int64_t messages, int idle_timeout_ms,
                ckl_result *result) {
    memset(result, 0, sizeof *result);

    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    const char *const properties[][2] = {
        {"bootstrap.servers", brokers},
        {"client.id", "assetforge-benchmark-c"},
        {"group.id", group},
        {"auto.offset.reset", "earliest"},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"enable.partition.eof", "false"},
        {"partition.assignment.strategy", "cooperative-sticky"},
        {"session.timeout.ms", "6000"},
        {"heartbeat.interval.ms", "2000"},
        {"log_level", "4"},
    };
    if (ckl_conf_set_all(conf, properties, sizeof properties / sizeof properties[0], result) != 0) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }

    char errstr[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        return ckl_fail(result, "rd_kafka_new: %s", errstr);
    }
    rd_kafka_poll_set_consumer(rk);

    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_destroy(rk);
        return ckl_fail(result, "subscribe: %s", rd_kafka_err2str(err));
    }

    int64_t count = 0;
    double start = 0, end = 0, start_cpu = 0, end_cpu = 0;
    /* Idle detection reads the clock only when a poll returns nothing, keeping the per-message path tight. */
    int64_t count_at_last_check = 0;
    double last_progress = ckl_now();
    while (count < messages) {
        rd_kafka_message_t *message = rd_kafka_consumer_poll(rk, 100);
        if (!message) {
            double now = ckl_now();
            if (count != count_at_last_check) {
                count_at_last_check = count;
                last_progress = now;
            } else if ((now - last_progress) * 1000 > idle_timeout_ms) {
                break;
            }
            continue;
        }
        if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (count == 0) {
                start = ckl_now();
                start_cpu = ckl_process_cpu();
            }
            count++;
            if (count == messages) {
                end = ckl_now();
                end_cpu = ckl_process_cpu();
            }
        }
        rd_kafka_message_destroy(message);
    }

    result->messages = count;
    result->seconds = count > 0 && end > 0 ? end - start : 0;
    result->cpu_seconds = count > 0 && end > 0 ? end_cpu - start_cpu : 0;
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    if (count < messages) {
        return ckl_fail(result, "received %lld of %lld messages; none for %d ms", (long long)count,
                        (long long)messages, idle_timeout_ms);
    }
    return 0;
}
