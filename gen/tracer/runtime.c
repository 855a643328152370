/* The tracer's fixed runtime (gen/tracer/runtime.c), pasted by gen/emit-tracer.ts between the constants
 * it generates from the model (offsets, enum values, event type names, helper prototypes) and the
 * generated wrappers. It is never compiled on its own.
 *
 * What it guarantees (docs/trace.md):
 *  - the program's own callbacks get exactly the arguments librdkafka gave, and their return value goes
 *    back unchanged: observation happens before the call and never touches the arguments;
 *  - no thread of the program or of librdkafka ever waits for the reader: events are copied into a
 *    bounded buffer under a short lock; what does not fit (or exceeds the per-type detail budget of a
 *    window, as in the kernel's event stream) is counted exactly and reported in a `dropped` line;
 *  - a writer thread appends the buffer to the trace file; exit(), _exit(), a crash signal and a
 *    default-action termination signal flush what is buffered first.
 * Needs from the generated part: WB_T_* / wb_type_names, WB_M_* / WB_TP_* / WB_TPL_* offsets, WB_EV_* and
 * WB_ERR_* values, WB_CONSUMER, WB_VERSION, and a wb_f_<name> typedef + WB_HAS_<name> per helper. */

#define WB_STR_(x) #x
#define WB_STR(x) WB_STR_(x)
#define WB_CAP (4u << 20)   /* bytes per buffer (two buffers: one filling, one being written) */
#define WB_WINDOW_MS 1000   /* detail budget window, as the kernel's event stream */
#define WB_MAX_RANGES 8
#define WB_MAX_OWNERS 1024 /* queues and topic objects whose handle is remembered */
#define WB_STR_MAX 4096     /* longest string copied into an event (log lines, reasons) */

static pthread_once_t wb_once = PTHREAD_ONCE_INIT;
static int wb_on;            /* a trace file is open: observe */
static int wb_fd = -1;
static char *wb_path;
static dev_t wb_dev;
static ino_t wb_ino;
static pid_t wb_pid;
static volatile sig_atomic_t wb_exiting;
static volatile sig_atomic_t wb_crashing;
static int wb_child_unstarted; /* a forked child that has not written its start line yet */
static void wb_start_line(void);
/* A forked child's first event: its start line first, so that it counts as a process of its own. */
#define WB_CHILD_START()                                                                  \
  do {                                                                                    \
    if (__builtin_expect(wb_child_unstarted, 0) &&                                        \
        __atomic_exchange_n(&wb_child_unstarted, 0, __ATOMIC_ACQ_REL))                    \
      wb_start_line();                                                                    \
  } while (0)
static long wb_detail = 5000;

static pthread_mutex_t wb_mx = PTHREAD_MUTEX_INITIALIZER;       /* buffer, counters, queue map */
static pthread_mutex_t wb_write_mx = PTHREAD_MUTEX_INITIALIZER; /* order of writes to the file */
static pthread_cond_t wb_cv = PTHREAD_COND_INITIALIZER;
static char *wb_bufs[2];
static size_t wb_len;        /* bytes used in wb_bufs[0] */
static int wb_writer_started;
/* Atomics (wb_want runs on every thread without a lock): */
static unsigned long long wb_sent[WB_T_COUNT];    /* detailed in the current window */
static unsigned long long wb_dropped[WB_T_COUNT]; /* counted, not written, since the last dropped line */
static int wb_any_dropped;
/* Failed delivery reports among the counted ones, per error code (+ WB_DR_ERR_BIAS): the `dropped` line
 * names them, so a comparison's errors by code stay exact under load. */
#define WB_DR_ERR_BIAS 256 /* librdkafka's own errors go down to -200, the brokers' up to about 130 */
#define WB_DR_ERR_SLOTS 512
static unsigned long long wb_dr_err[WB_DR_ERR_SLOTS];
static long long wb_window_start;

/* ---------------------------------------------------------------------------------------------------
 * Clock */

static long long wb_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long wb_mono_ms(void) {
  struct timespec ts;
#ifdef CLOCK_MONOTONIC_COARSE
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
#else
  clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------------------------------------------
 * A growable line buffer that starts on the stack: one event's JSON. */

typedef struct {
  char *p;
  size_t n, cap;
  int heap, oom;
  char small[2048];
} wb_buf;

static void wb_init_buf(wb_buf *b) {
  b->p = b->small;
  b->n = 0;
  b->cap = sizeof b->small;
  b->heap = 0;
  b->oom = 0;
}

static void wb_free_buf(wb_buf *b) {
  if (b->heap) free(b->p);
}

static int wb_room(wb_buf *b, size_t more) {
  if (b->oom) return 0;
  if (b->n + more <= b->cap) return 1;
  size_t cap = b->cap * 2;
  while (cap < b->n + more) cap *= 2;
  char *p = b->heap ? realloc(b->p, cap) : malloc(cap);
  if (!p) {
    b->oom = 1;
    return 0;
  }
  if (!b->heap) memcpy(p, b->p, b->n);
  b->p = p;
  b->cap = cap;
  b->heap = 1;
  return 1;
}

static void wb_raw(wb_buf *b, const char *s, size_t n) {
  if (!wb_room(b, n)) return;
  memcpy(b->p + b->n, s, n);
  b->n += n;
}

/* Only for string literals ("" s refuses anything else: sizeof a pointer is not a length). */
#define WB_LIT(b, s) wb_raw((b), "" s, sizeof(s) - 1)

static void wb_i64(wb_buf *b, long long v) {
  char tmp[24];
  int i = sizeof tmp;
  unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
  do tmp[--i] = (char)('0' + u % 10);
  while ((u /= 10) && i > 1);
  if (v < 0) tmp[--i] = '-';
  wb_raw(b, tmp + i, sizeof tmp - i);
}

static void wb_hex(wb_buf *b, const void *p) {
  char tmp[20];
  int i = sizeof tmp;
  unsigned long long u = (unsigned long long)(uintptr_t)p;
  do tmp[--i] = "0123456789abcdef"[u & 15];
  while ((u >>= 4) && i > 3);
  tmp[--i] = 'x';
  tmp[--i] = '0';
  WB_LIT(b, "\"");
  wb_raw(b, tmp + i, sizeof tmp - i);
  WB_LIT(b, "\"");
}

/* A JSON string of at most `max` bytes of s (null for NULL). Bytes >= 0x80 pass through: the reader
 * decodes UTF-8 with replacement characters. */
static void wb_strn(wb_buf *b, const char *s, size_t len) {
  static const char hex[] = "0123456789abcdef";
  if (!s) {
    WB_LIT(b, "null");
    return;
  }
  if (!wb_room(b, len + 2)) return;
  b->p[b->n++] = '"';
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') {
      if (!wb_room(b, 2)) return;
      b->p[b->n++] = (char)c;
      continue;
    }
    char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
    if (c == '"' || c == '\\') wb_raw(b, (char[]){'\\', (char)c}, 2);
    else if (c == '\n') WB_LIT(b, "\\n");
    else if (c == '\r') WB_LIT(b, "\\r");
    else if (c == '\t') WB_LIT(b, "\\t");
    else wb_raw(b, esc, 6);
  }
  WB_LIT(b, "\"");
}

static void wb_str(wb_buf *b, const char *s) {
  wb_strn(b, s, s ? strnlen(s, WB_STR_MAX) : 0);
}

/* Property names whose values are secrets or sensitive: never copied into an event. The pattern and the
 * names are protocol/index.ts' (WB_SECRET_PATTERN, wb_sensitive), which extension/redact.ts applies too. */
static regex_t wb_secret_re;
static int wb_secret_re_ok;

static void wb_secret_init(void) {
  wb_secret_re_ok = regcomp(&wb_secret_re, WB_SECRET_PATTERN, REG_EXTENDED | REG_ICASE | REG_NOSUB) == 0;
}

static int wb_secret_key(const char *k) {
  if (!k) return 0;
  for (size_t i = 0; i < sizeof wb_sensitive / sizeof *wb_sensitive; i++)
    if (strcmp(k, wb_sensitive[i]) == 0) return 1;
  /* Without the pattern (it failed to compile) every named property counts as secret: nothing leaks. */
  return wb_secret_re_ok ? regexec(&wb_secret_re, k, 0, NULL, 0) == 0 : 1;
}

/* "k=v k2=v2" (sasl.oauthbearer.config) with the values of secret keys replaced. */
static void wb_str_redacted_pairs(wb_buf *b, const char *s) {
  if (!s) {
    WB_LIT(b, "null");
    return;
  }
  char out[WB_STR_MAX];
  size_t n = 0, len = strnlen(s, WB_STR_MAX - 1);
  for (size_t i = 0; i < len && n < sizeof out - 16;) {
    size_t j = i;
    while (j < len && s[j] != ' ' && s[j] != ',') j++;
    const char *eq = memchr(s + i, '=', j - i);
    char key[256];
    size_t kl = eq ? (size_t)(eq - (s + i)) : 0;
    if (kl >= sizeof key) kl = sizeof key - 1;
    memcpy(key, s + i, kl);
    key[kl] = 0;
    if (eq && wb_secret_key(key)) {
      size_t take = (size_t)(eq - (s + i)) + 1;
      if (n + take + 8 >= sizeof out) break;
      memcpy(out + n, s + i, take);
      n += take;
      memcpy(out + n, WB_REDACTED, sizeof WB_REDACTED - 1);
      n += sizeof WB_REDACTED - 1;
    } else {
      size_t take = j - i;
      if (n + take >= sizeof out) take = sizeof out - 1 - n;
      memcpy(out + n, s + i, take);
      n += take;
    }
    if (j < len && n < sizeof out - 1) out[n++] = s[j];
    i = j + 1;
  }
  wb_strn(b, out, n);
}

/* ---------------------------------------------------------------------------------------------------
 * Finding the real functions: the next definition after this library (dlsym RTLD_NEXT), else, for a
 * librdkafka loaded by a dlopen'd module (Python's confluent-kafka wheel), the objects loaded so far,
 * asked one by one with their own handle (FACTS.md: RTLD_NEXT returns NULL there). */

static int wb_self_anchor;
static void *wb_self_base(void) {
  static void *base;
  if (!base) {
    Dl_info i;
    if (dladdr(&wb_self_anchor, &i)) base = i.dli_fbase;
  }
  return base;
}

static int wb_is_self(void *p) {
  Dl_info i;
  return p && dladdr(p, &i) && i.dli_fbase == wb_self_base();
}

struct wb_range {
  uintptr_t lo, hi;
};
static struct wb_range wb_ranges[WB_MAX_RANGES];
static int wb_nranges;
static char wb_lib_path[1024];

struct wb_find_ranges {
  uintptr_t addr;
};

static int wb_ranges_cb(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct wb_find_ranges *f = data;
  int mine = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && f->addr >= lo && f->addr < lo + ph->p_memsz) mine = 1;
  }
  if (!mine) return 0;
  for (int i = 0; i < info->dlpi_phnum && wb_nranges < WB_MAX_RANGES; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X)) continue;
    struct wb_range r = {info->dlpi_addr + ph->p_vaddr, info->dlpi_addr + ph->p_vaddr + ph->p_memsz};
    int known = 0;
    for (int k = 0; k < wb_nranges; k++)
      if (wb_ranges[k].lo == r.lo) known = 1;
    if (!known) wb_ranges[wb_nranges++] = r;
  }
  if (!wb_lib_path[0] && info->dlpi_name && info->dlpi_name[0]) {
    /* The file itself, not the link it was found by (trace --library makes one). */
    char *real = realpath(info->dlpi_name, NULL);
    snprintf(wb_lib_path, sizeof wb_lib_path, "%s", real ? real : info->dlpi_name);
    free(real);
  }
  return 1;
}

/* Remembers the code ranges of the object that holds `p` (the real librdkafka): calls from there are
 * librdkafka calling its own exported functions, which pass through unobserved. */
static void wb_note_library(void *p) {
  for (int k = 0; k < __atomic_load_n(&wb_nranges, __ATOMIC_ACQUIRE); k++)
    if ((uintptr_t)p >= wb_ranges[k].lo && (uintptr_t)p < wb_ranges[k].hi) return;
  pthread_mutex_lock(&wb_mx);
  struct wb_find_ranges f = {(uintptr_t)p};
  dl_iterate_phdr(wb_ranges_cb, &f);
  pthread_mutex_unlock(&wb_mx);
}

static int wb_internal(void *ra) {
  int n = __atomic_load_n(&wb_nranges, __ATOMIC_ACQUIRE);
  for (int k = 0; k < n; k++)
    if ((uintptr_t)ra >= wb_ranges[k].lo && (uintptr_t)ra < wb_ranges[k].hi) return 1;
  return 0;
}

#define WB_MAX_OBJECTS 512
struct wb_objects {
  int n;
  char *names[WB_MAX_OBJECTS];
};

static int wb_objects_cb(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct wb_objects *o = data;
  /* The main program's handle is the global scope, where this library comes first: skip it. */
  if (!info->dlpi_name || !info->dlpi_name[0] || (void *)info->dlpi_addr == wb_self_base()) return 0;
  if (o->n < WB_MAX_OBJECTS) o->names[o->n++] = strdup(info->dlpi_name);
  return 0;
}

static void *wb_lookup(const char *name) {
  void *p = dlsym(RTLD_NEXT, name);
  if (p && !wb_is_self(p)) return p;
  /* Names first, then dlopen outside the iteration (dl_iterate_phdr holds the loader's lock). */
  struct wb_objects o = {0};
  dl_iterate_phdr(wb_objects_cb, &o);
  p = NULL;
  for (int pass = 0; pass < 2 && !p; pass++)
    for (int i = 0; i < o.n && !p; i++) {
      if ((strstr(o.names[i], "rdkafka") != NULL) != (pass == 0)) continue;
      void *h = dlopen(o.names[i], RTLD_LAZY | RTLD_NOLOAD);
      if (!h) continue;
      void *q = dlsym(h, name);
      if (q && !wb_is_self(q)) p = q;
      dlclose(h);
    }
  for (int i = 0; i < o.n; i++) free(o.names[i]);
  return p;
}

/* The real function `name`, cached in *slot. */
static void *wb_real(void **slot, const char *name) {
  void *p = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  if (p) return p;
  p = wb_lookup(name);
  if (p) {
    wb_note_library(p);
    __atomic_store_n(slot, p, __ATOMIC_RELEASE);
  }
  return p;
}

/* A function the program called that the loaded librdkafka lacks: it would not have linked without us. */
static void wb_missing(const char *name) {
  char msg[256];
  int n = snprintf(msg, sizeof msg,
                   "rdkafka-workbench trace: %s is not in the librdkafka this program loaded\n", name);
  if (n > 0 && write(2, msg, (size_t)n) < 0) { /* nothing more to do */
  }
  abort();
}

/* ---------------------------------------------------------------------------------------------------
 * The trace file and its writer */

static void wb_reopen_if_moved(void) {
  struct stat st;
  if (wb_fd >= 0 && fstat(wb_fd, &st) == 0 && st.st_dev == wb_dev && st.st_ino == wb_ino) return;
  /* The program closed our descriptor (or its number now names another file): open the path again. */
  int fd = open(wb_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;
  int hi = fcntl(fd, F_DUPFD_CLOEXEC, 500);
  if (hi >= 0) {
    close(fd);
    fd = hi;
  }
  if (fstat(fd, &st) == 0) {
    wb_dev = st.st_dev;
    wb_ino = st.st_ino;
  }
  wb_fd = fd;
}

static void wb_write_all(const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(wb_fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    n -= (size_t)w;
  }
}

static const char *wb_err_name(int err);

/* The dropped line for the counts gathered since the last one (caller holds wb_mx). */
static void wb_dropped_line(wb_buf *b) {
  if (!__atomic_exchange_n(&wb_any_dropped, 0, __ATOMIC_ACQ_REL)) return;
  unsigned long long n[WB_T_COUNT];
  int any = 0;
  for (int t = 0; t < WB_T_COUNT; t++) any |= (n[t] = __atomic_exchange_n(&wb_dropped[t], 0, __ATOMIC_ACQ_REL)) != 0;
  unsigned long long e[WB_DR_ERR_SLOTS];
  int errs = 0;
  for (int i = 0; i < WB_DR_ERR_SLOTS; i++) errs |= (e[i] = __atomic_exchange_n(&wb_dr_err[i], 0, __ATOMIC_ACQ_REL)) != 0;
  if (!any && !errs) return; /* already reported by the line before (a count raced the flag) */
  WB_LIT(b, "{\"time\":");
  wb_i64(b, wb_now_ms());
  WB_LIT(b, ",\"pid\":");
  wb_i64(b, wb_pid);
  WB_LIT(b, ",\"handle\":null,\"type\":\"dropped\",\"data\":{\"counts\":{");
  int first = 1;
  for (int t = 0; t < WB_T_COUNT; t++) {
    if (!n[t]) continue;
    if (!first) WB_LIT(b, ",");
    first = 0;
    wb_str(b, wb_type_names[t]);
    WB_LIT(b, ":");
    wb_i64(b, (long long)n[t]);
  }
  WB_LIT(b, "}");
  if (errs) {
    WB_LIT(b, ",\"drErrors\":{");
    first = 1;
    for (int i = 0; i < WB_DR_ERR_SLOTS; i++) {
      if (!e[i]) continue;
      if (!first) WB_LIT(b, ",");
      first = 0;
      const char *name = wb_err_name(i - WB_DR_ERR_BIAS);
      char code[24];
      snprintf(code, sizeof code, "%d", i - WB_DR_ERR_BIAS);
      wb_str(b, name ? name : code);
      WB_LIT(b, ":");
      wb_i64(b, (long long)e[i]);
    }
    WB_LIT(b, "}");
  }
  WB_LIT(b, "}}\n");
}

/* Writes out everything buffered, in order. `blocking` is 0 in a crash handler (best effort). */
static void wb_flush(int blocking) {
  if (!wb_on) return;
  int wlocked = blocking ? (pthread_mutex_lock(&wb_write_mx), 1) : pthread_mutex_trylock(&wb_write_mx) == 0;
  int locked = blocking ? (pthread_mutex_lock(&wb_mx), 1) : pthread_mutex_trylock(&wb_mx) == 0;
  char *full = wb_bufs[0];
  size_t n = wb_len;
  wb_buf d;
  wb_init_buf(&d);
  if (locked) {
    wb_bufs[0] = wb_bufs[1];
    wb_bufs[1] = full;
    wb_len = 0;
    wb_dropped_line(&d);
    pthread_mutex_unlock(&wb_mx);
  }
  wb_reopen_if_moved();
  if (full && n) wb_write_all(full, n);
  if (d.n) wb_write_all(d.p, d.n);
  wb_free_buf(&d);
  if (wlocked) pthread_mutex_unlock(&wb_write_mx);
}

static void *wb_writer(void *arg) {
  (void)arg;
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, NULL);
  pthread_mutex_lock(&wb_mx);
  for (;;) {
    while (!wb_len && !__atomic_load_n(&wb_any_dropped, __ATOMIC_ACQUIRE)) pthread_cond_wait(&wb_cv, &wb_mx);
    if (wb_len < WB_CAP / 2) {
      /* Gather for up to 50 ms, as the kernel's stream batches its sends. */
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      until.tv_nsec += 50 * 1000000L;
      if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
      }
      pthread_cond_timedwait(&wb_cv, &wb_mx, &until);
    }
    pthread_mutex_unlock(&wb_mx);
    wb_flush(1);
    pthread_mutex_lock(&wb_mx);
  }
  return NULL;
}

/* caller holds wb_mx */
static void wb_start_writer(void) {
  if (wb_writer_started) return;
  wb_writer_started = 1;
  pthread_t t;
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&a, 256 * 1024);
  if (pthread_create(&t, &a, wb_writer, NULL) != 0) wb_writer_started = 0;
  pthread_attr_destroy(&a);
}

/* An event counted instead of written: the writer is woken for the first since its last dropped line. */
static void wb_count(int type) {
  WB_CHILD_START();
  __atomic_fetch_add(&wb_dropped[type], 1, __ATOMIC_RELAXED);
  if (__atomic_exchange_n(&wb_any_dropped, 1, __ATOMIC_ACQ_REL)) return;
  pthread_mutex_lock(&wb_mx);
  wb_start_writer();
  pthread_cond_signal(&wb_cv);
  pthread_mutex_unlock(&wb_mx);
}

/* A failed delivery report that is counted, not written: its error is counted too (with the dr count). */
static void wb_count_dr_err(int err) {
  if (!err) return;
  int i = err + WB_DR_ERR_BIAS;
  if (i < 0 || i >= WB_DR_ERR_SLOTS) return; /* no such librdkafka error: counted as a dr only */
  __atomic_fetch_add(&wb_dr_err[i], 1, __ATOMIC_RELAXED);
}

/* Whether an event of `type` is written in detail now; if not it is counted (exactly) and the caller
 * skips decoding it. Lock-free: a million delivery reports a second cost two atomic adds each. */
static int wb_want(int type) {
  if (!wb_on) return 0;
  if (wb_exiting) return 1;
  long long now = wb_mono_ms();
  long long start = __atomic_load_n(&wb_window_start, __ATOMIC_RELAXED);
  if (now - start >= WB_WINDOW_MS &&
      __atomic_compare_exchange_n(&wb_window_start, &start, now, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
    for (int t = 0; t < WB_T_COUNT; t++) __atomic_store_n(&wb_sent[t], 0, __ATOMIC_RELAXED);
  if ((long long)__atomic_fetch_add(&wb_sent[type], 1, __ATOMIC_RELAXED) < wb_detail) return 1;
  wb_count(type);
  return 0;
}

/* Starts an event line: {"time":…,"pid":…,"handle":…,"type":…,"data": */
static void wb_head(wb_buf *b, int type, const char *handle) {
  WB_CHILD_START();
  WB_LIT(b, "{\"time\":");
  wb_i64(b, wb_now_ms());
  WB_LIT(b, ",\"pid\":");
  wb_i64(b, wb_pid);
  WB_LIT(b, ",\"handle\":");
  wb_str(b, handle);
  WB_LIT(b, ",\"type\":\"");
  wb_raw(b, wb_type_names[type], strlen(wb_type_names[type]));
  WB_LIT(b, "\",\"data\":");
}

/* Ends the line and queues it; a line that does not fit is counted instead (a delivery report with its
 * error `dr_err`). Frees b. */
static void wb_commit_dr(wb_buf *b, int type, int dr_err) {
  WB_LIT(b, "}\n");
  if (b->oom) {
    wb_count_dr_err(dr_err);
    wb_count(type);
    wb_free_buf(b);
    return;
  }
  if (wb_exiting) {
    /* Exit handlers already flushed: lines from here on are written at once. */
    pthread_mutex_lock(&wb_write_mx);
    wb_reopen_if_moved();
    wb_write_all(b->p, b->n);
    pthread_mutex_unlock(&wb_write_mx);
    wb_free_buf(b);
    return;
  }
  pthread_mutex_lock(&wb_mx);
  if (wb_len + b->n > WB_CAP || !wb_bufs[0]) {
    wb_count_dr_err(dr_err);
    __atomic_fetch_add(&wb_dropped[type], 1, __ATOMIC_RELAXED);
    __atomic_store_n(&wb_any_dropped, 1, __ATOMIC_RELEASE);
    pthread_cond_signal(&wb_cv);
  } else {
    int was_empty = wb_len == 0;
    memcpy(wb_bufs[0] + wb_len, b->p, b->n);
    wb_len += b->n;
    wb_start_writer();
    if (was_empty || wb_len >= WB_CAP / 2) pthread_cond_signal(&wb_cv);
  }
  pthread_mutex_unlock(&wb_mx);
  wb_free_buf(b);
}

static void wb_commit(wb_buf *b, int type) {
  wb_commit_dr(b, type, 0);
}

/* A line of the tracer's own ({"trace":…}), written at once. */
static void wb_meta_line(wb_buf *b) {
  WB_LIT(b, "}\n");
  pthread_mutex_lock(&wb_write_mx);
  wb_reopen_if_moved();
  wb_write_all(b->p, b->n);
  pthread_mutex_unlock(&wb_write_mx);
  wb_free_buf(b);
}

/* ---------------------------------------------------------------------------------------------------
 * Exit, crash and termination signals */

static void wb_end_line(const char *how, int sig) {
  char line[160];
  int n = snprintf(line, sizeof line, "{\"trace\":\"end\",\"pid\":%d,\"time\":%lld,\"how\":\"%s\",\"signal\":%d}\n",
                   (int)wb_pid, wb_now_ms(), how, sig);
  if (n > 0 && wb_fd >= 0) wb_write_all(line, (size_t)n);
}

static void wb_atexit(void) {
  if (!wb_on || wb_exiting || getpid() != wb_pid) return;
  wb_flush(1);
  wb_exiting = 1;
  wb_end_line("exit", 0);
}

__attribute__((destructor)) static void wb_fini(void) {
  if (wb_on && getpid() == wb_pid) wb_flush(1);
}

static const int wb_crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS};
static const int wb_term_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGXCPU, SIGXFSZ};
#define WB_NSIG 64
static struct sigaction wb_prev[WB_NSIG];

static void wb_on_signal(int sig, siginfo_t *info, void *ctx) {
  if (!wb_crashing) {
    wb_crashing = 1;
    int saved = errno;
    wb_flush(0);
    wb_end_line("signal", sig);
    wb_exiting = 1;
    errno = saved;
  }
  /* Hand the signal on: to the handler that was there before us, else its default action. */
  struct sigaction *prev = sig > 0 && sig < WB_NSIG ? &wb_prev[sig] : NULL;
  if (prev && (prev->sa_flags & SA_SIGINFO) && prev->sa_sigaction) {
    sigaction(sig, prev, NULL);
    prev->sa_sigaction(sig, info, ctx);
    return;
  }
  if (prev && prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
    sigaction(sig, prev, NULL);
    prev->sa_handler(sig);
    return;
  }
  signal(sig, SIG_DFL);
  raise(sig); /* delivered when this handler returns (or at once for a fault re-executed) */
}

static void wb_install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = wb_on_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof wb_crash_signals / sizeof *wb_crash_signals; i++) {
    int s = wb_crash_signals[i];
    struct sigaction old;
    if (sigaction(s, NULL, &old) != 0 || old.sa_handler == SIG_IGN) continue;
    wb_prev[s] = old;
    sigaction(s, &sa, NULL);
  }
  /* Termination signals only where the program left the default (dying at once): a program that
   * handles them itself exits through exit() and is flushed there. */
  for (size_t i = 0; i < sizeof wb_term_signals / sizeof *wb_term_signals; i++) {
    int s = wb_term_signals[i];
    struct sigaction old;
    if (sigaction(s, NULL, &old) != 0 || (old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL)
      continue;
    wb_prev[s] = old;
    sigaction(s, &sa, NULL);
  }
}

static void wb_atfork_prepare(void) {
  pthread_mutex_lock(&wb_write_mx);
  pthread_mutex_lock(&wb_mx);
}
static void wb_atfork_parent(void) {
  pthread_mutex_unlock(&wb_mx);
  pthread_mutex_unlock(&wb_write_mx);
}
static void wb_atfork_child(void) {
  /* The child starts with an empty buffer (the parent writes its own) and no writer thread yet. */
  pthread_mutex_init(&wb_mx, NULL);
  pthread_mutex_init(&wb_write_mx, NULL);
  pthread_cond_init(&wb_cv, NULL);
  wb_len = 0;
  wb_writer_started = 0;
  wb_any_dropped = 0;
  memset(wb_dropped, 0, sizeof wb_dropped);
  wb_pid = getpid();
  /* Its start line comes with its first event: a child that only execs another program (a shell, a
   * helper) never called librdkafka and is no traced process. */
  wb_child_unstarted = 1;
}

static __thread int wb_in_init;

static void wb_setup(void) {
  const char *path = getenv("RDKAFKA_WORKBENCH_TRACE");
  if (!path || !path[0]) return;
  const char *detail = getenv("RDKAFKA_WORKBENCH_TRACE_DETAIL");
  if (detail && detail[0]) wb_detail = strtol(detail, NULL, 10);
  wb_path = strdup(path);
  wb_bufs[0] = malloc(WB_CAP);
  wb_bufs[1] = malloc(WB_CAP);
  if (!wb_path || !wb_bufs[0] || !wb_bufs[1]) return;
  wb_pid = getpid();
  wb_reopen_if_moved();
  if (wb_fd < 0) return;
  wb_window_start = wb_mono_ms();
  wb_secret_init();
  wb_on = 1;
  atexit(wb_atexit);
  pthread_atfork(wb_atfork_prepare, wb_atfork_parent, wb_atfork_child);
  wb_install_signals();
  wb_start_line();
}

static void wb_init(void) {
  wb_in_init = 1;
  wb_setup();
  wb_in_init = 0;
}

static void wb_init_once(void) {
  pthread_once(&wb_once, wb_init);
}

/* A C cell's program dies with its kernel (RDKAFKA_WORKBENCH_TRACE_PARENT: the kernel's pid, set by
 * trace/run.ts): without this a kernel killed mid-cell left the program running. Only the direct child
 * asks (the variable is removed: the program's own children are its business); a parent that died before
 * the request was made is noticed by the parent pid having changed. */
__attribute__((constructor)) static void wb_die_with_parent(void) {
  const char *v = getenv("RDKAFKA_WORKBENCH_TRACE_PARENT");
  if (!v || !v[0]) return;
  pid_t parent = (pid_t)strtol(v, NULL, 10);
  unsetenv("RDKAFKA_WORKBENCH_TRACE_PARENT");
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 && getppid() != parent) raise(SIGKILL);
}

/* exit() runs atexit handlers; these do not, so they flush first. */
void _exit(int code) {
  static void *real;
  wb_atexit();
  void (*f)(int) = (void (*)(int))wb_real(&real, "_exit");
  if (f) f(code);
  syscall(SYS_exit_group, code);
  for (;;) {
  }
}
void _Exit(int code) {
  _exit(code);
}

/* The exec family replaces the program image, buffer and writer thread included, without running exit
 * handlers: what is buffered is written first. glibc's execl* and execvp* call execve internally, not
 * through the dynamic linker, so each is wrapped. A vfork child (another pid, sharing the parent's
 * memory) leaves the parent's buffer alone. */
static void wb_before_exec(void) {
  if (wb_on && !wb_exiting && getpid() == wb_pid) wb_flush(1);
}

#define WB_EXEC_REAL(type, name) static void *real_##name; type f = (type)wb_real(&real_##name, #name)
typedef int (*wb_execve_t)(const char *, char *const[], char *const[]);
typedef int (*wb_execv_t)(const char *, char *const[]);

int execve(const char *path, char *const argv[], char *const envp[]) {
  WB_EXEC_REAL(wb_execve_t, execve);
  wb_before_exec();
  if (!f) return errno = ENOSYS, -1;
  return f(path, argv, envp);
}
int execv(const char *path, char *const argv[]) {
  WB_EXEC_REAL(wb_execv_t, execv);
  wb_before_exec();
  if (!f) return errno = ENOSYS, -1;
  return f(path, argv);
}
int execvp(const char *file, char *const argv[]) {
  WB_EXEC_REAL(wb_execv_t, execvp);
  wb_before_exec();
  if (!f) return errno = ENOSYS, -1;
  return f(file, argv);
}
int execvpe(const char *file, char *const argv[], char *const envp[]) {
  WB_EXEC_REAL(wb_execve_t, execvpe);
  wb_before_exec();
  if (!f) return errno = ENOSYS, -1;
  return f(file, argv, envp);
}
int fexecve(int fd, char *const argv[], char *const envp[]) {
  typedef int (*t)(int, char *const[], char *const[]);
  WB_EXEC_REAL(t, fexecve);
  wb_before_exec();
  if (!f) return errno = ENOSYS, -1;
  return f(fd, argv, envp);
}

/* execl, execlp, execle: their variadic arguments as the argv the v-forms take. */
#define WB_EXEC_ARGS(last, arg0)                                \
  va_list ap;                                                   \
  size_t argc = 1; /* glibc declares arg0 nonnull */            \
  va_start(ap, arg0);                                           \
  while (va_arg(ap, const char *)) argc++;                      \
  va_end(ap);                                                   \
  const char **argv = alloca((argc + 1) * sizeof *argv);        \
  argv[0] = arg0;                                               \
  va_start(ap, arg0);                                           \
  for (size_t i = 1; i <= argc; i++) argv[i] = va_arg(ap, const char *); \
  last;                                                         \
  va_end(ap)

int execl(const char *path, const char *arg0, ...) {
  WB_EXEC_ARGS((void)0, arg0);
  return execv(path, (char *const *)argv);
}
int execlp(const char *file, const char *arg0, ...) {
  WB_EXEC_ARGS((void)0, arg0);
  return execvp(file, (char *const *)argv);
}
int execle(const char *path, const char *arg0, ...) {
  char *const *envp;
  WB_EXEC_ARGS(envp = va_arg(ap, char *const *), arg0);
  return execve(path, (char *const *)argv, envp);
}

/* ---------------------------------------------------------------------------------------------------
 * Reading librdkafka's values (through the real functions, never through this library's wrappers) */

#define WB_CALL(name) ((wb_f_##name)wb_real(&wb_p_##name, #name))

static const char *wb_handle(const void *rk) {
  if (!rk) return NULL;
  wb_f_rd_kafka_name f = WB_CALL(rd_kafka_name);
  return f ? f((void *)rk) : NULL;
}

static const char *wb_err_name(int err) {
  wb_f_rd_kafka_err2name f = WB_CALL(rd_kafka_err2name);
  return f ? f(err) : NULL;
}

static void wb_start_line(void) {
  wb_buf b;
  wb_init_buf(&b);
  wb_f_rd_kafka_version_str v = WB_CALL(rd_kafka_version_str);
  const char *version = v ? v() : NULL;
  char exe[1024];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  WB_LIT(&b, "{\"trace\":\"start\",\"pid\":");
  wb_i64(&b, wb_pid);
  WB_LIT(&b, ",\"ppid\":");
  wb_i64(&b, getppid());
  WB_LIT(&b, ",\"time\":");
  wb_i64(&b, wb_now_ms());
  WB_LIT(&b, ",\"program\":");
  wb_strn(&b, n > 0 ? exe : NULL, n > 0 ? (size_t)n : 0);
  WB_LIT(&b, ",\"library\":");
  wb_str(&b, wb_lib_path[0] ? wb_lib_path : NULL);
  WB_LIT(&b, ",\"version\":");
  wb_str(&b, version);
  WB_LIT(&b, ",\"header\":");
  wb_str(&b, WB_VERSION);
  WB_LIT(&b, ",\"detail\":");
  wb_i64(&b, wb_detail);
  wb_meta_line(&b);
}

#define WB_I32(p, off) (*(const int32_t *)((const char *)(p) + (off)))
#define WB_I64(p, off) (*(const int64_t *)((const char *)(p) + (off)))
#define WB_U64(p, off) (*(const uint64_t *)((const char *)(p) + (off)))
#define WB_PTR(p, off) (*(void *const *)((const char *)(p) + (off)))

static void wb_partitions(wb_buf *b, const void *list) {
  WB_LIT(b, "[");
  if (list) {
    int cnt = WB_I32(list, WB_TPL_CNT);
    const char *elems = WB_PTR(list, WB_TPL_ELEMS);
    if (cnt > 10000) cnt = 10000;
    for (int i = 0; elems && i < cnt; i++) {
      const char *e = elems + (size_t)i * WB_TP_SIZE;
      if (i) WB_LIT(b, ",");
      WB_LIT(b, "{\"topic\":");
      wb_str(b, WB_PTR(e, WB_TP_TOPIC) ? (const char *)WB_PTR(e, WB_TP_TOPIC) : "");
      WB_LIT(b, ",\"partition\":");
      wb_i64(b, WB_I32(e, WB_TP_PARTITION));
      WB_LIT(b, ",\"offset\":");
      wb_i64(b, WB_I64(e, WB_TP_OFFSET));
      WB_LIT(b, ",\"err\":");
      wb_i64(b, WB_I32(e, WB_TP_ERR));
      WB_LIT(b, "}");
    }
  }
  WB_LIT(b, "]");
}

static void wb_topic_of(wb_buf *b, const void *m) {
  void *rkt = WB_PTR(m, WB_M_RKT);
  wb_f_rd_kafka_topic_name f = WB_CALL(rd_kafka_topic_name);
  wb_str(b, rkt && f ? f(rkt) : "");
}

/* ---------------------------------------------------------------------------------------------------
 * Queues and topic objects → their handle (for events polled from a queue, messages of a topic), and the
 * handle of the event last polled on this thread (for the delivery reports taken out of it). */

static struct {
  const void *obj, *rk;
} wb_owners[WB_MAX_OWNERS];
static __thread const void *wb_tl_ev, *wb_tl_ev_rk;

static void wb_owner_set(const void *obj, const void *rk) {
  if (!obj || !rk) return;
  pthread_mutex_lock(&wb_mx);
  int free_slot = -1;
  for (int i = 0; i < WB_MAX_OWNERS; i++) {
    if (wb_owners[i].obj == obj) {
      wb_owners[i].rk = rk;
      free_slot = -2;
      break;
    }
    if (!wb_owners[i].obj && free_slot == -1) free_slot = i;
  }
  if (free_slot >= 0) {
    wb_owners[free_slot].obj = obj;
    wb_owners[free_slot].rk = rk;
  }
  pthread_mutex_unlock(&wb_mx);
}

static const void *wb_owner(const void *obj) {
  const void *rk = NULL;
  if (!obj) return NULL;
  pthread_mutex_lock(&wb_mx);
  for (int i = 0; i < WB_MAX_OWNERS; i++)
    if (wb_owners[i].obj == obj) {
      rk = wb_owners[i].rk;
      break;
    }
  pthread_mutex_unlock(&wb_mx);
  return rk;
}

/* Forgets one object, or every object of a handle (rk). */
static void wb_owner_forget(const void *obj, const void *rk) {
  pthread_mutex_lock(&wb_mx);
  for (int i = 0; i < WB_MAX_OWNERS; i++)
    if ((obj && wb_owners[i].obj == obj) || (rk && wb_owners[i].rk == rk))
      wb_owners[i].obj = wb_owners[i].rk = NULL;
  pthread_mutex_unlock(&wb_mx);
}

#define wb_queue_of(q, rk) wb_owner_set((q), (rk))
#define wb_queue_rk(q) wb_owner(q)
/* The handle of a message: the one that created its topic object. */
#define wb_message_rk(m) ((m) ? wb_owner(WB_PTR((m), WB_M_RKT)) : NULL)

/* ---------------------------------------------------------------------------------------------------
 * Events, with the fields of protocol/index.ts */

#define WB_FIELD_INT(b, key, v) (WB_LIT((b), key), wb_i64((b), (long long)(v)))
#define WB_FIELD_STR(b, key, s) (WB_LIT((b), key), wb_str((b), (s)))

static void wb_begin(wb_buf *b, int type, const char *handle) {
  wb_init_buf(b);
  wb_head(b, type, handle);
}

/* {"topic":…,"partition":…,"offset":…,"err":… of a message (delivered or consumed). */
static void wb_message_head(wb_buf *b, const void *m) {
  WB_LIT(b, "{\"topic\":");
  wb_topic_of(b, m);
  WB_FIELD_INT(b, ",\"partition\":", WB_I32(m, WB_M_PARTITION));
  WB_FIELD_INT(b, ",\"offset\":", WB_I64(m, WB_M_OFFSET));
  WB_FIELD_INT(b, ",\"err\":", WB_I32(m, WB_M_ERR));
}

static void wb_ev_created(void *rk, int type) {
  if (!rk || !wb_want(WB_T_handle_created)) return;
  const char *name = wb_handle(rk);
  wb_buf b;
  wb_begin(&b, WB_T_handle_created, name);
  WB_FIELD_STR(&b, "{\"kind\":", type == WB_CONSUMER ? "consumer" : "producer");
  WB_FIELD_STR(&b, ",\"name\":", name);
  WB_LIT(&b, "}");
  wb_commit(&b, WB_T_handle_created);
}

static void wb_ev_destroyed(const char *name) {
  if (!wb_want(WB_T_handle_destroyed)) return;
  wb_buf b;
  wb_begin(&b, WB_T_handle_destroyed, name);
  WB_FIELD_STR(&b, "{\"name\":", name);
  WB_LIT(&b, "}");
  wb_commit(&b, WB_T_handle_destroyed);
}

static void wb_ev_dr_msg(const void *rk, const void *m) {
  if (!m) return;
  int err = WB_I32(m, WB_M_ERR);
  if (!wb_want(WB_T_dr)) {
    wb_count_dr_err(err);
    return;
  }
  wb_buf b;
  wb_begin(&b, WB_T_dr, wb_handle(rk));
  wb_message_head(&b, m);
  if (err) WB_FIELD_STR(&b, ",\"errName\":", wb_err_name(err));
#ifdef WB_HAS_rd_kafka_message_latency
  wb_f_rd_kafka_message_latency lat = WB_CALL(rd_kafka_message_latency);
  long long us = lat ? (long long)lat((void *)m) : -1;
  if (us >= 0) WB_FIELD_INT(&b, ",\"latencyUs\":", us);
#endif
  WB_FIELD_INT(&b, ",\"keyLen\":", (long long)WB_U64(m, WB_M_KEY_LEN));
  WB_FIELD_INT(&b, ",\"len\":", (long long)WB_U64(m, WB_M_LEN));
  WB_LIT(&b, "}");
  wb_commit_dr(&b, WB_T_dr, err);
}

/* The legacy dr_cb: no message, so no topic, partition or offset (as the kernel reports it). */
static void wb_ev_dr_legacy(const void *rk, size_t len, int err) {
  if (!wb_want(WB_T_dr)) {
    wb_count_dr_err(err);
    return;
  }
  wb_buf b;
  wb_begin(&b, WB_T_dr, wb_handle(rk));
  WB_FIELD_INT(&b, "{\"topic\":\"\",\"partition\":-1,\"offset\":-1,\"err\":", err);
  WB_FIELD_STR(&b, ",\"errName\":", wb_err_name(err));
  WB_FIELD_INT(&b, ",\"len\":", (long long)len);
  WB_LIT(&b, "}");
  wb_commit_dr(&b, WB_T_dr, err);
}

static void wb_ev_consume(const void *rk, const void *m) {
  if (!m || !wb_want(WB_T_consume)) return;
  if (!rk) rk = wb_owner(WB_PTR(m, WB_M_RKT));
  wb_buf b;
  wb_begin(&b, WB_T_consume, wb_handle(rk));
  wb_message_head(&b, m);
  WB_FIELD_INT(&b, ",\"len\":", (long long)WB_U64(m, WB_M_LEN));
  WB_LIT(&b, "}");
  wb_commit(&b, WB_T_consume);
}

/* Statistics: librdkafka's JSON as the event's data (the reader parses the line). */
static void wb_ev_stats(const void *rk, const char *json, size_t len) {
  if (!wb_want(WB_T_stats)) return;
  wb_buf b;
  wb_begin(&b, WB_T_stats, wb_handle(rk));
  if (json && len > 0 && json[0] == '{') wb_raw(&b, json, strnlen(json, len));
  else WB_LIT(&b, "{}");
  wb_commit(&b, WB_T_stats);
}

static void wb_ev_error(const void *rk, int err, const char *reason, int fatal) {
  if (!wb_want(WB_T_error)) return;
  wb_buf b;
  wb_begin(&b, WB_T_error, wb_handle(rk));
  WB_FIELD_INT(&b, "{\"err\":", err);
  WB_FIELD_STR(&b, ",\"errName\":", wb_err_name(err));
  WB_FIELD_STR(&b, ",\"reason\":", reason ? reason : "");
  WB_LIT(&b, ",\"fatal\":");
  if (fatal) WB_LIT(&b, "true");
  else WB_LIT(&b, "false");
  WB_LIT(&b, "}");
  wb_commit(&b, WB_T_error);
}

static void wb_ev_log(const void *rk, int level, const char *fac, const char *msg) {
  if (!wb_want(WB_T_log)) return;
  wb_buf b;
  wb_begin(&b, WB_T_log, wb_handle(rk));
  WB_FIELD_INT(&b, "{\"level\":", level);
  WB_FIELD_STR(&b, ",\"facility\":", fac ? fac : "");
  WB_FIELD_STR(&b, ",\"message\":", msg ? msg : "");
  WB_LIT(&b, "}");
  wb_commit(&b, WB_T_log);
}

static void wb_ev_partitions(int type, const void *rk, int err, const void *list) {
  if (!wb_want(type)) return;
  wb_buf b;
  wb_begin(&b, type, wb_handle(rk));
  WB_FIELD_INT(&b, "{\"err\":", err);
  if (type == WB_T_rebalance) {
    WB_FIELD_STR(&b, ",\"kind\":", err == WB_ERR_ASSIGN ? "assign" : err == WB_ERR_REVOKE ? "revoke" : "error");
#ifdef WB_HAS_rd_kafka_rebalance_protocol
    wb_f_rd_kafka_rebalance_protocol proto = rk ? WB_CALL(rd_kafka_rebalance_protocol) : NULL;
    const char *p = proto ? proto((void *)rk) : NULL;
    if (p) {
      WB_FIELD_STR(&b, ",\"protocol\":", p);
    }
#endif
  } else {
    WB_FIELD_STR(&b, ",\"errName\":", wb_err_name(err));
  }
  WB_LIT(&b, ",\"partitions\":");
  wb_partitions(&b, list);
  WB_LIT(&b, "}");
  wb_commit(&b, type);
}

static void wb_ev_throttle(const void *rk, const char *broker, int32_t id, int ms) {
  if (!wb_want(WB_T_throttle)) return;
  wb_buf b;
  wb_begin(&b, WB_T_throttle, wb_handle(rk));
  WB_FIELD_STR(&b, "{\"broker\":", broker ? broker : "");
  WB_FIELD_INT(&b, ",\"brokerId\":", id);
  WB_FIELD_INT(&b, ",\"throttleMs\":", ms);
  WB_LIT(&b, "}");
  wb_commit(&b, WB_T_throttle);
}

static void wb_ev_oauth(const void *rk, const char *config) {
  if (!wb_want(WB_T_oauthbearer_token_refresh)) return;
  wb_buf b;
  wb_begin(&b, WB_T_oauthbearer_token_refresh, wb_handle(rk));
  WB_LIT(&b, "{\"config\":");
  wb_str_redacted_pairs(&b, config);
  WB_LIT(&b, "}");
  wb_commit(&b, WB_T_oauthbearer_token_refresh);
}

static void wb_ev_typed_event(int type, const void *rk, void *ev) {
  if (!ev || !wb_want(type)) return;
  wb_f_rd_kafka_event_type t = WB_CALL(rd_kafka_event_type);
  wb_f_rd_kafka_event_name n = WB_CALL(rd_kafka_event_name);
  wb_buf b;
  wb_begin(&b, type, wb_handle(rk));
  WB_FIELD_INT(&b, "{\"eventType\":", t ? t(ev) : -1);
  WB_FIELD_STR(&b, ",\"eventName\":", n ? n(ev) : "");
  WB_LIT(&b, "}");
  wb_commit(&b, type);
}

static void wb_ev_background(const void *rk, void *ev) {
  wb_ev_typed_event(WB_T_background_event, rk, ev);
}

/* A handle's configuration as rd_kafka_conf_dump gives it (key, value, key, value…), read just before
 * rd_kafka_new, and published as the kernel does: secrets replaced, what differs from a new conf listed. */
typedef struct {
  const char **kv;
  size_t n;
} wb_dump;

static wb_dump wb_conf_dump(void *conf) {
  wb_dump d = {NULL, 0};
#if defined(WB_HAS_rd_kafka_conf_dump) && defined(WB_HAS_rd_kafka_conf_dump_free)
  wb_f_rd_kafka_conf_dump f = WB_CALL(rd_kafka_conf_dump);
  size_t n = 0;
  if (conf && f && wb_on) d.kv = (const char **)f(conf, &n);
  d.n = d.kv ? n : 0;
#else
  (void)conf;
#endif
  return d;
}

static void wb_conf_dump_free(wb_dump d) {
#if defined(WB_HAS_rd_kafka_conf_dump) && defined(WB_HAS_rd_kafka_conf_dump_free)
  wb_f_rd_kafka_conf_dump_free f = WB_CALL(rd_kafka_conf_dump_free);
  if (d.kv && f) f((void *)d.kv, d.n);
#else
  (void)d;
#endif
}

static wb_dump wb_defaults; /* a new conf's, read once and kept */
static pthread_once_t wb_defaults_once = PTHREAD_ONCE_INIT;
static void wb_defaults_init(void) {
#if defined(WB_HAS_rd_kafka_conf_new) && defined(WB_HAS_rd_kafka_conf_destroy)
  wb_f_rd_kafka_conf_new cn = WB_CALL(rd_kafka_conf_new);
  wb_f_rd_kafka_conf_destroy cd = WB_CALL(rd_kafka_conf_destroy);
  void *conf = cn && cd ? cn() : NULL;
  if (conf) {
    wb_defaults = wb_conf_dump(conf);
    cd(conf);
  }
#endif
}

static int wb_modified(const char *k, const char *v) {
  for (size_t i = 0; i + 1 < wb_defaults.n; i += 2)
    if (wb_defaults.kv[i] && strcmp(wb_defaults.kv[i], k) == 0)
      return strcmp(wb_defaults.kv[i + 1] ? wb_defaults.kv[i + 1] : "", v) != 0;
  return 1;
}

static void wb_ev_handle_config(const void *rk, int type, wb_dump d) {
  if (!rk || !d.kv || !wb_want(WB_T_handle_config)) return;
  pthread_once(&wb_defaults_once, wb_defaults_init);
  const char *name = wb_handle(rk);
  wb_buf b;
  wb_begin(&b, WB_T_handle_config, name);
  WB_FIELD_STR(&b, "{\"name\":", name);
  WB_FIELD_STR(&b, ",\"kind\":", type == WB_CONSUMER ? "consumer" : "producer");
  WB_LIT(&b, ",\"config\":{");
  for (size_t i = 0; i + 1 < d.n; i += 2) {
    const char *k = d.kv[i] ? d.kv[i] : "", *v = d.kv[i + 1] ? d.kv[i + 1] : "";
    if (i) WB_LIT(&b, ",");
    wb_str(&b, k);
    WB_LIT(&b, ":");
    wb_str(&b, wb_secret_key(k) && v[0] ? WB_REDACTED : v);
  }
  for (int pass = 0; pass < 2; pass++) {
    /* modified (only when a new conf's values are known), then redacted */
    if (pass == 0 && !wb_defaults.kv) continue;
    if (pass == 0) WB_LIT(&b, "},\"modified\":[");
    else if (wb_defaults.kv) WB_LIT(&b, "],\"redacted\":[");
    else WB_LIT(&b, "},\"redacted\":[");
    int first = 1;
    for (size_t i = 0; i + 1 < d.n; i += 2) {
      const char *k = d.kv[i] ? d.kv[i] : "", *v = d.kv[i + 1] ? d.kv[i + 1] : "";
      if (pass == 0 ? !wb_modified(k, v) : !(wb_secret_key(k) && v[0])) continue;
      if (!first) WB_LIT(&b, ",");
      first = 0;
      wb_str(&b, k);
    }
  }
  WB_LIT(&b, "]}");
  wb_commit(&b, WB_T_handle_config);
}

/* An event taken with rd_kafka_queue_poll. DR and FETCH events are reported per message as the program
 * takes them out (rd_kafka_event_message_next/_array), as the kernel does. */
static void wb_ev_polled(const void *rk, void *ev) {
  wb_f_rd_kafka_event_type tf = WB_CALL(rd_kafka_event_type);
  if (!ev || !tf) return;
  int t = tf(ev);
  if (t == WB_EV_DR || t == WB_EV_FETCH) return;
  if (t == WB_EV_STATS) {
    wb_f_rd_kafka_event_stats f = WB_CALL(rd_kafka_event_stats);
    const char *json = f ? f(ev) : NULL;
    wb_ev_stats(rk, json, json ? strlen(json) : 0);
    return;
  }
  if (t == WB_EV_ERROR) {
    wb_f_rd_kafka_event_error e = WB_CALL(rd_kafka_event_error);
    wb_f_rd_kafka_event_error_string s = WB_CALL(rd_kafka_event_error_string);
    int fatal = 0;
#ifdef WB_HAS_rd_kafka_event_error_is_fatal
    wb_f_rd_kafka_event_error_is_fatal ff = WB_CALL(rd_kafka_event_error_is_fatal);
    fatal = ff ? ff(ev) : 0;
#endif
    wb_ev_error(rk, e ? e(ev) : 0, s ? s(ev) : "", fatal);
    return;
  }
  if (t == WB_EV_LOG) {
    wb_f_rd_kafka_event_log f = WB_CALL(rd_kafka_event_log);
    const char *fac = NULL, *str = NULL;
    int level = 0;
    if (f) f(ev, &fac, &str, &level);
    wb_ev_log(rk, level, fac, str);
    return;
  }
  if (t == WB_EV_REBALANCE || t == WB_EV_OFFSET_COMMIT) {
    wb_f_rd_kafka_event_error e = WB_CALL(rd_kafka_event_error);
    wb_f_rd_kafka_event_topic_partition_list l = WB_CALL(rd_kafka_event_topic_partition_list);
    wb_ev_partitions(t == WB_EV_REBALANCE ? WB_T_rebalance : WB_T_offset_commit, rk, e ? e(ev) : 0,
                     l ? l(ev) : NULL);
    return;
  }
  wb_ev_typed_event(WB_T_event, rk, ev);
}

/* Arguments of a callback without an event type of its own: numbers as numbers, strings as strings
 * (the value after a secret-looking property name redacted), other pointers as hex. */
enum { WB_A_INT, WB_A_UINT, WB_A_STR, WB_A_PTR, WB_A_DBL };
typedef union {
  long long i;
  unsigned long long u;
  const char *s;
  const void *p;
  double d;
} wb_arg;

static void wb_ev_callback(const char *name, const char *handle, int n, const int *kinds, const wb_arg *args) {
  if (!wb_want(WB_T_callback)) return;
  wb_buf b;
  wb_init_buf(&b);
  wb_head(&b, WB_T_callback, handle);
  WB_LIT(&b, "{\"name\":");
  wb_str(&b, name);
  WB_LIT(&b, ",\"args\":[");
  int redact_next = 0;
  for (int i = 0; i < n; i++) {
    if (i) WB_LIT(&b, ",");
    switch (kinds[i]) {
      case WB_A_INT: wb_i64(&b, args[i].i); break;
      case WB_A_UINT: wb_i64(&b, (long long)args[i].u); break;
      case WB_A_DBL: {
        char tmp[32];
        int k = snprintf(tmp, sizeof tmp, "%.17g", args[i].d);
        if (k > 0 && args[i].d == args[i].d) wb_raw(&b, tmp, (size_t)k);
        else WB_LIT(&b, "null");
        break;
      }
      case WB_A_STR:
        if (redact_next && args[i].s) wb_str(&b, WB_REDACTED);
        else wb_str(&b, args[i].s);
        redact_next = wb_secret_key(args[i].s);
        break;
      default:
        if (args[i].p) wb_hex(&b, args[i].p);
        else WB_LIT(&b, "null");
    }
  }
  WB_LIT(&b, "]}");
  wb_commit(&b, WB_T_callback);
}

static void wb_polled_from(const void *q, void *ev) {
  const void *rk = wb_queue_rk(q);
  wb_tl_ev = ev;
  wb_tl_ev_rk = rk;
  wb_ev_polled(rk, ev);
}

static const void *wb_event_rk(const void *ev) {
  return ev && ev == wb_tl_ev ? wb_tl_ev_rk : NULL;
}

/* A message the program took out of an event (rd_kafka_event_message_next/_array): a delivery report
 * of a DR event, a consumed message of a FETCH event (a consumer on the event API). */
static void wb_ev_taken(void *ev, const void *m) {
  wb_f_rd_kafka_event_type tf = WB_CALL(rd_kafka_event_type);
  if (!ev || !m || !tf) return;
  int t = tf(ev);
  const void *rk = wb_event_rk(ev);
  if (t == WB_EV_DR) wb_ev_dr_msg(rk ? rk : wb_message_rk(m), m);
  else if (t == WB_EV_FETCH) wb_ev_consume(rk, m);
}

/* ---------------------------------------------------------------------------------------------------
 * Callback slots: each registration site has WB_SLOTS trampolines; a program's callback takes the slot
 * that already holds the same function, else a free one. The trampoline observes, then calls exactly
 * that function with exactly its arguments. Programs register a handful of distinct functions; one
 * registering more than WB_SLOTS at a site keeps working, unobserved beyond the slots (counted). */

typedef struct {
  void **user;
  void *const *tramps;
  /* "rd_kafka_conf_set_dr_msg_cb: dr_msg_cb", for the warning when its slots run out */
  const char *name;
  int overflowed;
} wb_site;

/* A callback the tracer lets through unobserved: said once per site, in the trace. */
static void wb_overflow_line(const char *site) {
  wb_buf b;
  wb_init_buf(&b);
  WB_FIELD_INT(&b, "{\"trace\":\"warning\",\"pid\":", wb_pid);
  WB_LIT(&b, ",\"message\":\"more than " WB_STR(WB_SLOTS) " different callback functions set with ");
  wb_raw(&b, site, strlen(site));
  WB_LIT(&b, ": the others are not observed\"");
  wb_meta_line(&b);
}

static void *wb_hook(wb_site *s, void *user) {
  if (!user || !wb_on) return user;
  for (int i = 0; i < WB_SLOTS; i++) {
    if (s->tramps[i] == user) return user; /* one of ours already (a conf copied and set again) */
    if (__atomic_load_n(&s->user[i], __ATOMIC_ACQUIRE) == user) return s->tramps[i];
  }
  void *out = user;
  pthread_mutex_lock(&wb_mx);
  for (int i = 0; i < WB_SLOTS; i++) {
    void *u = __atomic_load_n(&s->user[i], __ATOMIC_ACQUIRE);
    if (u == user || !u) {
      if (!u) __atomic_store_n(&s->user[i], user, __ATOMIC_RELEASE);
      out = s->tramps[i];
      break;
    }
  }
  int warn = out == user && !s->overflowed;
  if (out == user) s->overflowed = 1;
  pthread_mutex_unlock(&wb_mx);
  if (warn) wb_overflow_line(s->name);
  return out;
}

#define WB_SLOT_LIST(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
/* Whether this call is the program's (observed): not librdkafka calling its own exported functions (the
 * wrapper resolved the real function first, so the library's code ranges are known), and not made while
 * this thread sets the tracer up (rd_kafka_version_str calls rd_kafka_version). */
#define WB_EXTERNAL() (!wb_internal(__builtin_return_address(0)) && !wb_in_init && (wb_init_once(), wb_on))
/* ---- end of the fixed runtime ---- */
