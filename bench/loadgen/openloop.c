/*
 * Open-loop HTTP/1.1 load at a fixed rate, for the fixed-rate benchmarks (bench/_open-loop.ts).
 *
 * Why C: on a 2-core machine a Node generator's own event loop and GC add milliseconds to the p99 it
 * measures (its timer lateness alone was ~3.5 ms p99 here), so a sub-millisecond route could not be
 * told from the generator. This one uses a few microseconds of CPU per request and a timerfd for
 * sub-millisecond pacing.
 *
 * Request i is due at start + i / rate whatever the server does (open loop). It goes out on a free
 * keep-alive connection (at most `connections`); when none is free it waits, and the wait counts:
 * latency runs from the due time to the end of the response body, so the generator's own lateness
 * is charged too (stricter than from the send), and is also reported apart (lateP99Ms).
 *
 * Usage: openloop HOST PORT PATH METHOD RATE SECONDS CONNECTIONS BODYFILE [HEADER...]
 *   BODYFILE: one request body per line (request i carries line i mod n), or "-" for no body.
 *   HEADER: "Name: value" lines added to every request.
 * Prints one JSON object: requestsPerSecond, p50Ms, p90Ms, p99Ms, p999Ms, maxMs, lateP99Ms, total,
 * errors, non2xx.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  char *data;
  size_t len;
} Req;

typedef struct {
  int fd;
  int busy;
  long req;      /* index of the request in flight */
  size_t sent;   /* bytes of it written */
  char buf[65536];
  size_t have;
} Conn;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double pct(double *sorted, long n, double p) {
  if (n == 0) return 0;
  long i = (long)(p / 100.0 * (double)n + 0.999999) - 1;
  if (i < 0) i = 0;
  if (i >= n) i = n - 1;
  return sorted[i];
}

static struct sockaddr_in addr;
static int ep;
static Conn *conns;
static Req *reqs;
static long nreqs;
static int connect_to(void);

/* Wants EPOLLOUT only while part of the request is unwritten (level-triggered: else it spins). */
static void watch(Conn *c, int op) {
  uint32_t want = EPOLLIN | (c->busy && c->sent < reqs[c->req % nreqs].len ? EPOLLOUT : 0);
  struct epoll_event ev = {.events = want, .data.u64 = (uint64_t)(c - conns)};
  epoll_ctl(ep, op, c->fd, &ev);
}

static void drop(Conn *c) {
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->fd = -1;
  c->busy = 0;
}

/* Sends request r on connection c, opening it first if needed. */
static void send_on(Conn *c, long r) {
  int fresh = c->fd < 0;
  if (fresh) c->fd = connect_to();
  c->busy = 1;
  c->req = r;
  c->sent = 0;
  c->have = 0;
  Req *q = &reqs[r % nreqs];
  ssize_t w = write(c->fd, q->data, q->len);
  if (w > 0) c->sent = (size_t)w;
  watch(c, fresh ? EPOLL_CTL_ADD : EPOLL_CTL_MOD);
}

static int connect_to(void) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Bytes of a complete response at the start of buf (headers + Content-Length body), 0 if not yet. */
static size_t complete_response(const char *buf, size_t have, int *status) {
  const char *end = memmem(buf, have, "\r\n\r\n", 4);
  if (!end) return 0;
  size_t head = (size_t)(end - buf) + 4;
  *status = have >= 12 ? atoi(buf + 9) : 0;
  size_t body = 0;
  for (const char *p = buf; p < end; p++) {
    if ((p == buf || p[-1] == '\n') && strncasecmp(p, "content-length:", 15) == 0) {
      body = (size_t)strtoul(p + 15, NULL, 10);
      break;
    }
  }
  return have >= head + body ? head + body : 0;
}

int main(int argc, char **argv) {
  if (argc < 9) {
    fprintf(stderr, "usage: openloop HOST PORT PATH METHOD RATE SECONDS CONNECTIONS BODYFILE [HEADER...]\n");
    return 2;
  }
  const char *host = argv[1], *path = argv[3], *method = argv[4];
  double rate = atof(argv[5]), seconds = atof(argv[6]);
  int nconn = atoi(argv[7]);
  const char *bodyfile = argv[8];
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)atoi(argv[2]));
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
    fprintf(stderr, "openloop: HOST must be an IPv4 address\n");
    return 2;
  }

  /* Bodies, one per line. */
  char **bodies = NULL;
  long nbodies = 0;
  if (strcmp(bodyfile, "-") != 0) {
    FILE *f = fopen(bodyfile, "r");
    if (!f) {
      perror("openloop: body file");
      return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
      if (line[n - 1] == '\n') line[--n] = 0;
      bodies = realloc(bodies, sizeof(char *) * (size_t)(nbodies + 1));
      bodies[nbodies++] = strdup(line);
    }
    free(line);
    fclose(f);
  }
  char extra[8192] = "";
  for (int i = 9; i < argc; i++) {
    strncat(extra, argv[i], sizeof extra - strlen(extra) - 3);
    strcat(extra, "\r\n");
  }
  /* One prebuilt request per body (or one without a body). */
  nreqs = nbodies > 0 ? nbodies : 1;
  reqs = calloc((size_t)nreqs, sizeof(Req));
  for (long i = 0; i < nreqs; i++) {
    const char *b = nbodies > 0 ? bodies[i] : "";
    size_t bl = strlen(b);
    size_t cap = strlen(path) + strlen(host) + strlen(extra) + bl + 256;
    reqs[i].data = malloc(cap);
    reqs[i].len = (size_t)snprintf(reqs[i].data, cap,
                                   "%s %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: keep-alive\r\n%s%s"
                                   "Content-Length: %zu\r\n\r\n%s",
                                   method, path, host, argv[2], extra,
                                   bl > 0 ? "Content-Type: application/json\r\n" : "", bl, b);
  }

  long total = (long)(rate * seconds + 0.5);
  double *lat = malloc(sizeof(double) * (size_t)(total + 1));
  double *late = malloc(sizeof(double) * (size_t)(total + 1));
  int64_t *due = malloc(sizeof(int64_t) * (size_t)(total + 1));
  long nlat = 0, nlate = 0, errors = 0, non2xx = 0;

  signal(SIGPIPE, SIG_IGN);
  ep = epoll_create1(0);
  conns = calloc((size_t)nconn, sizeof(Conn));
  for (int i = 0; i < nconn; i++) {
    conns[i].fd = -1;
  }
  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  struct epoll_event tev = {.events = EPOLLIN, .data.u64 = (uint64_t)-1};
  epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &tev);

  int64_t interval = (int64_t)(1e9 / rate);
  int64_t start = now_ns();
  long next = 0;     /* next request to become due */
  long queued = 0;   /* due requests not yet sent: [next - queued, next) */
  long done = 0;


  struct epoll_event events[256];
  while (done < total) {
    int64_t t = now_ns();
    while (next < total && start + next * interval <= t) {
      due[next] = start + next * interval;
      next++;
      queued++;
    }
    /* Hand due requests to free connections, oldest first. */
    for (int i = 0; i < nconn && queued > 0; i++) {
      if (conns[i].busy) continue;
      long r = next - queued;
      late[nlate++] = (double)(now_ns() - due[r]) / 1e6;
      queued--;
      send_on(&conns[i], r);
    }
    if (next < total) {
      struct itimerspec its = {0};
      int64_t at = start + next * interval;
      its.it_value.tv_sec = at / 1000000000LL;
      its.it_value.tv_nsec = at % 1000000000LL;
      timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
    }
    int n = epoll_wait(ep, events, 256, 1000);
    for (int k = 0; k < n; k++) {
      if (events[k].data.u64 == (uint64_t)-1) {
        uint64_t x;
        ssize_t rd = read(tfd, &x, sizeof x);
        (void)rd;
        continue;
      }
      Conn *c = &conns[events[k].data.u64];
      if (c->fd < 0) continue;
      if (!c->busy) {
        drop(c); /* an idle connection the server closed */
        continue;
      }
      Req *q = &reqs[c->req % nreqs];
      if ((events[k].events & EPOLLOUT) && c->sent < q->len) {
        ssize_t w = write(c->fd, q->data + c->sent, q->len - c->sent);
        if (w > 0) c->sent += (size_t)w;
        if (c->sent == q->len) watch(c, EPOLL_CTL_MOD);
      }
      if (events[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        ssize_t r = read(c->fd, c->buf + c->have, sizeof c->buf - c->have);
        if (r <= 0 && !(r < 0 && errno == EAGAIN)) {
          /* Connection lost: the request fails; the connection is reopened on next use. */
          drop(c);
          errors++;
          done++;
          continue;
        }
        if (r > 0) c->have += (size_t)r;
        int status = 0;
        size_t used = complete_response(c->buf, c->have, &status);
        if (used > 0) {
          lat[nlat++] = (double)(now_ns() - due[c->req]) / 1e6;
          if (status < 200 || status >= 300) non2xx++;
          c->busy = 0;
          done++;
          if (queued > 0) {
            long rq = next - queued;
            late[nlate++] = (double)(now_ns() - due[rq]) / 1e6;
            queued--;
            send_on(c, rq);
          }
        }
      }
    }
  }
  double elapsed = (double)(now_ns() - start) / 1e9;
  qsort(lat, (size_t)nlat, sizeof(double), cmp_double);
  qsort(late, (size_t)nlate, sizeof(double), cmp_double);
  printf("{\"requestsPerSecond\":%.0f,\"p50Ms\":%.3f,\"p90Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f,"
         "\"maxMs\":%.3f,\"lateP99Ms\":%.3f,\"total\":%ld,\"errors\":%ld,\"non2xx\":%ld}\n",
         (double)nlat / elapsed, pct(lat, nlat, 50), pct(lat, nlat, 90), pct(lat, nlat, 99),
         pct(lat, nlat, 99.9), pct(lat, nlat, 100), pct(late, nlate, 99), nlat, errors, non2xx);
  return 0;
}
