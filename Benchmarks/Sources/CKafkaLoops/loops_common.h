#ifndef ASSETFORGE_CKAFKALOOPS_COMMON_H
#define ASSETFORGE_CKAFKALOOPS_COMMON_H

#include "CKafkaLoops.h"

#include <librdkafka/rdkafka.h>

#if RD_KAFKA_VERSION < 0x020200ff
#error "librdkafka 2.2 or newer is needed (older versions fail the handshake with brokers that send tagged fields)"
#endif

/* Seconds on the monotonic clock. */
double ckl_now(void);

/* Writes a formatted message into result->error and returns -1. */
int ckl_fail(ckl_result *result, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Sets `count` name/value pairs on `conf`; on failure writes result->error and returns -1. */
int ckl_conf_set_all(rd_kafka_conf_t *conf, const char *const pairs[][2], size_t count, ckl_result *result);

#endif
