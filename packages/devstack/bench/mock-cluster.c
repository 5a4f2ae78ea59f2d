/*
 * Hosts librdkafka's in-memory mock cluster (one broker) as the baseline our broker
 * is benchmarked against, with pre-created topics so partition counts match.
 * Usage: mock-cluster TOPIC:PARTITIONS [...]; prints the bootstrap address on stdout,
 * then runs until stdin closes.
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (!rk) {
    fprintf(stderr, "rd_kafka_new: %s\n", err);
    return 1;
  }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, 1);
  if (!mc) {
    fprintf(stderr, "could not create the mock cluster\n");
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    char *spec = strdup(argv[i]);
    char *colon = strchr(spec, ':');
    int partitions = 1;
    if (colon) {
      *colon = '\0';
      partitions = atoi(colon + 1);
    }
    if (rd_kafka_mock_topic_create(mc, spec, partitions, 1)) {
      fprintf(stderr, "could not create topic %s\n", spec);
      return 1;
    }
    free(spec);
  }
  printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);
  while (getchar() != EOF) {
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
