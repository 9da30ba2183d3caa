#include "loops_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

double ckl_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double ckl_process_cpu(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 + (double)usage.ru_stime.tv_sec +
           (double)usage.ru_stime.tv_usec / 1e6;
}

int ckl_fail(ckl_result *result, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(result->error, sizeof result->error, format, args);
    va_end(args);
    return -1;
}

int ckl_conf_set_all(rd_kafka_conf_t *conf, const char *const pairs[][2], size_t count, ckl_result *result) {
    char errstr[512];
    for (size_t i = 0; i < count; i++) {
        if (rd_kafka_conf_set(conf, pairs[i][0], pairs[i][1], errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            return ckl_fail(result, "%s=%s: %s", pairs[i][0], pairs[i][1], errstr);
        }
    }
    return 0;
}
