/*
 * openloop: an open-loop HTTP/1.1 load generator, for the latency of a service at a given request rate.
 *
 * wrk (closed loop) sends each connection's next request as soon as the previous answer arrives, so at
 * any concurrency it drives the service to saturation, and its latencies are those of a saturated
 * service: by Little's law the mean is connections / throughput. openloop instead sends requests on a
 * fixed schedule (rate / connections per connection, the connections staggered) and measures each
 * latency from the moment the request was due, not from when it could be sent: a request that waits
 * for its connection's previous answer counts that wait too (the correction wrk2 makes for
 * "coordinated omission"). wrk2, which does this, is not packaged for Debian; this is the small part
 * of it the benchmark needs.
 *
 * Usage: openloop -h HOST -p PORT -c CONNECTIONS -t THREADS -R RATE -d SECONDS -r REQUEST_FILE
 *   REQUEST_FILE holds the whole HTTP/1.1 request (head and body) sent on every call; answers must carry
 *   Content-Length (no chunked bodies) and keep the connection alive.
 * Prints: requests answered, the achieved rate, non-200 answers, and latency percentiles in ms; with the environment
 * variable OPENLOOP_TIMELINE set, also every 100 ms (by when its requests were due) whose slowest answer took over 10 ms.
 * Exits with 1 if any answer was not a 200 or a request could not be sent.
 *
 * Build: gcc -O2 -pthread -o openloop openloop.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Latency histogram: 10 us buckets up to 10 s; slower answers go to the last bucket. */
#define BUCKET_US 10
#define BUCKETS 1000000

typedef struct {
    int fd;
    uint64_t due_ns;        /* when the current (or next) request is/was due */
    uint64_t interval_ns;
    int in_flight;
    char *buffer;           /* the answer being read */
    size_t capacity, length;
    long content_length;    /* -1 until the head is complete */
    size_t head_length;
    int status;
} connection;

typedef struct {
    int index, connections;
    connection *conns;
    uint64_t start_ns, end_ns;
    uint64_t *histogram;
    uint64_t *slot_max_ns;  /* the slowest answer to a request due in each 100 ms of the run */
    uint64_t answered, non200, errors;
} worker;

static const char *host;
static int port;
static char *request;
static size_t request_length;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(2);
}

static int open_connection(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
        fprintf(stderr, "openloop: host must be an IPv4 address: %s\n", host);
        exit(2);
    }
    if (connect(fd, (struct sockaddr *) &address, sizeof address) < 0) die("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static void send_request(worker *w, connection *c) {
    size_t sent = 0;
    while (sent < request_length) { /* requests are small: a blocking write of a few KB to a drained socket */
        ssize_t n = write(c->fd, request + sent, request_length - sent);
        if (n < 0) {
            if (errno == EINTR) continue;
            w->errors++;
            return;
        }
        sent += (size_t) n;
    }
    c->in_flight = 1;
    c->length = 0;
    c->content_length = -1;
}

/* Parses the status line and Content-Length once the head is complete; returns 0 until it is. */
static int parse_head(connection *c) {
    char *end = memmem(c->buffer, c->length, "\r\n\r\n", 4);
    if (end == NULL) return 0;
    c->head_length = (size_t) (end - c->buffer) + 4;
    c->status = (c->length > 12) ? atoi(c->buffer + 9) : 0;
    c->content_length = 0;
    for (char *line = c->buffer; line < end; ) {
        char *next = memmem(line, (size_t) (end - line), "\r\n", 2);
        if (next == NULL) next = end;
        if ((size_t) (next - line) > 15 && strncasecmp(line, "content-length:", 15) == 0) {
            c->content_length = atol(line + 15);
        }
        line = next + 2;
    }
    return 1;
}

static void record(worker *w, uint64_t latency_ns) {
    uint64_t bucket = latency_ns / 1000 / BUCKET_US;
    if (bucket >= BUCKETS) bucket = BUCKETS - 1;
    w->histogram[bucket]++;
}

static void *run(void *argument) {
    worker *w = argument;
    int epoll = epoll_create1(0);
    if (epoll < 0) die("epoll_create1");
    for (int i = 0; i < w->connections; i++) {
        connection *c = &w->conns[i];
        struct epoll_event event = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(epoll, EPOLL_CTL_ADD, c->fd, &event) < 0) die("epoll_ctl");
    }
    struct epoll_event events[64];
    for (;;) {
        uint64_t now = now_ns();
        if (now >= w->end_ns) break;
        /* Send what is due on idle connections; find the next due time. */
        uint64_t next_due = w->end_ns;
        for (int i = 0; i < w->connections; i++) {
            connection *c = &w->conns[i];
            if (c->in_flight) continue;
            if (c->due_ns <= now) {
                send_request(w, c);
            } else if (c->due_ns < next_due) {
                next_due = c->due_ns;
            }
        }
        /* A nanosecond timeout: with epoll_wait's milliseconds a request could leave up to 1 ms after it was due. */
        uint64_t wait_ns = next_due - now;
        struct timespec timeout = {.tv_sec = (time_t) (wait_ns / 1000000000ull), .tv_nsec = (long) (wait_ns % 1000000000ull)};
        int ready = epoll_pwait2(epoll, events, 64, &timeout, NULL);
        if (ready < 0) {
            if (errno == EINTR) continue;
            die("epoll_pwait2");
        }
        for (int e = 0; e < ready; e++) {
            connection *c = events[e].data.ptr;
            for (;;) {
                if (c->capacity - c->length < 65536) {
                    c->capacity *= 2;
                    c->buffer = realloc(c->buffer, c->capacity);
                    if (c->buffer == NULL) die("realloc");
                }
                ssize_t n = recv(c->fd, c->buffer + c->length, c->capacity - c->length, MSG_DONTWAIT);
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                if (n <= 0) {
                    fprintf(stderr, "openloop: the server closed a connection (%s)\n", n == 0 ? "EOF" : strerror(errno));
                    exit(2);
                }
                c->length += (size_t) n;
                if (c->content_length < 0 && !parse_head(c)) continue;
                if (c->length < c->head_length + (size_t) c->content_length) continue;
                /* A whole answer: its latency counts from when the request was due. */
                uint64_t answered_at = now_ns();
                if (c->due_ns >= w->start_ns) {
                    uint64_t slot = (c->due_ns - w->start_ns) / 100000000ull;
                    if (answered_at - c->due_ns > w->slot_max_ns[slot]) w->slot_max_ns[slot] = answered_at - c->due_ns;
                    record(w, answered_at - c->due_ns);
                    w->answered++;
                    if (c->status != 200) w->non200++;
                }
                c->in_flight = 0;
                c->due_ns += c->interval_ns;
                c->length = 0;
                c->content_length = -1;
                if (c->due_ns <= answered_at && answered_at < w->end_ns) {
                    send_request(w, c); /* late: the next request was due already */
                }
                break;
            }
        }
    }
    close(epoll);
    return NULL;
}

static double percentile(const uint64_t *histogram, uint64_t total, double p) {
    uint64_t rank = (uint64_t) (p / 100.0 * (double) total);
    uint64_t seen = 0;
    for (uint64_t b = 0; b < BUCKETS; b++) {
        seen += histogram[b];
        if (seen > rank) return (double) ((b + 1) * BUCKET_US) / 1000.0; /* upper edge, in ms */
    }
    return (double) (BUCKETS * BUCKET_US) / 1000.0;
}

static char *read_file(const char *path, size_t *length) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) die(path);
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *content = malloc((size_t) size);
    if (content == NULL || fread(content, 1, (size_t) size, file) != (size_t) size) die("read request file");
    fclose(file);
    *length = (size_t) size;
    return content;
}

int main(int argc, char **argv) {
    int connections = 32, threads = 2;
    double rate = 0, seconds = 30;
    const char *request_file = NULL;
    int option;
    while ((option = getopt(argc, argv, "h:p:c:t:R:d:r:")) != -1) {
        switch (option) {
            case 'h': host = optarg; break;
            case 'p': port = atoi(optarg); break;
            case 'c': connections = atoi(optarg); break;
            case 't': threads = atoi(optarg); break;
            case 'R': rate = atof(optarg); break;
            case 'd': seconds = atof(optarg); break;
            case 'r': request_file = optarg; break;
            default:
                fprintf(stderr, "usage: openloop -h HOST -p PORT -c CONNECTIONS -t THREADS -R RATE -d SECONDS -r REQUEST_FILE\n");
                return 2;
        }
    }
    if (host == NULL || port <= 0 || rate <= 0 || request_file == NULL || threads < 1 || connections < threads) {
        fprintf(stderr, "usage: openloop -h HOST -p PORT -c CONNECTIONS -t THREADS -R RATE -d SECONDS -r REQUEST_FILE\n");
        return 2;
    }
    request = read_file(request_file, &request_length);

    uint64_t interval_ns = (uint64_t) (1e9 * connections / rate); /* each connection's share of the rate */
    uint64_t start = now_ns() + 200000000ull;                     /* 200 ms to connect */
    uint64_t end = start + (uint64_t) (seconds * 1e9);
    worker *workers = calloc((size_t) threads, sizeof(worker));
    pthread_t *ids = calloc((size_t) threads, sizeof(pthread_t));
    for (int t = 0, first = 0; t < threads; t++) {
        worker *w = &workers[t];
        w->index = t;
        w->connections = connections / threads + (t < connections % threads ? 1 : 0);
        w->conns = calloc((size_t) w->connections, sizeof(connection));
        w->histogram = calloc(BUCKETS, sizeof(uint64_t));
        w->slot_max_ns = calloc((size_t) (seconds * 10) + 2, sizeof(uint64_t));
        w->start_ns = start;
        w->end_ns = end;
        for (int i = 0; i < w->connections; i++) {
            connection *c = &w->conns[i];
            c->fd = open_connection();
            c->interval_ns = interval_ns;
            c->due_ns = start + (uint64_t) (first + i) * interval_ns / (uint64_t) connections; /* staggered */
            c->capacity = 131072;
            c->buffer = malloc(c->capacity);
            c->content_length = -1;
        }
        first += w->connections;
    }
    for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, run, &workers[t]);
    uint64_t answered = 0, non200 = 0, errors = 0;
    uint64_t *histogram = calloc(BUCKETS, sizeof(uint64_t));
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        answered += workers[t].answered;
        non200 += workers[t].non200;
        errors += workers[t].errors;
        for (uint64_t b = 0; b < BUCKETS; b++) histogram[b] += workers[t].histogram[b];
    }
    double scheduled = rate * seconds;
    printf("open loop: %.0f requests/s offered over %d connections (%d threads) for %.0f s\n", rate, connections, threads, seconds);
    printf("answered: %lu of %.0f scheduled (%.0f /s), non-200: %lu, send errors: %lu\n",
           (unsigned long) answered, scheduled, answered / seconds, (unsigned long) non200, (unsigned long) errors);
    if (answered > 0) {
        printf("latency from when each request was due: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms\n",
               percentile(histogram, answered, 50), percentile(histogram, answered, 90), percentile(histogram, answered, 99),
               percentile(histogram, answered, 99.9), percentile(histogram, answered, 100 - 1e-9));
    }
    if (getenv("OPENLOOP_TIMELINE") != NULL) {
        /* Where the slow answers were: each 100 ms whose slowest answer took over 10 ms, by wall-clock time. */
        struct timespec wall;
        clock_gettime(CLOCK_REALTIME, &wall);
        double wall_start = (double) wall.tv_sec + wall.tv_nsec / 1e9 - (double) (now_ns() - start) / 1e9;
        for (int slot = 0; slot < (int) (seconds * 10); slot++) {
            uint64_t worst = 0;
            for (int t = 0; t < threads; t++) if (workers[t].slot_max_ns[slot] > worst) worst = workers[t].slot_max_ns[slot];
            if (worst > 10000000ull) {
                time_t at = (time_t) (wall_start + slot / 10.0);
                struct tm tm;
                gmtime_r(&at, &tm);
                printf("slow: %02d:%02d:%02d.%03d UTC (+%.1f s): worst %.1f ms\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
                       (int) (1000 * (wall_start + slot / 10.0 - (double) at)), slot / 10.0, worst / 1e6);
            }
        }
    }
    return non200 > 0 || errors > 0 ? 1 : 0;
}
