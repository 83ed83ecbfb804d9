/* SPDX-License-Identifier: Apache-2.0 */
/* Print jobs through libcups: one connection with timeouts, the queue checked before
 * a job is created, and the job followed until it completes, fails or times out. A job
 * whose data reached the printer is never called "not printed": CUPS says so with the
 * printer state reason cups-waiting-for-job-completed, which its network back ends set
 * once the whole job is sent and they wait for the printer to finish. */
#include "kwhpos/print.h"
#include "kwhpos/util.h"
#include "print/module.h"

#include <cups/cups.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REQUEST_TIMEOUT_MS 10000
#define POLL_MS 100

#define SENT_REASON "cups-waiting-for-job-completed"

struct queue_state {
    int state; /* IPP_PSTATE_* */
    bool accepting;
    bool sent;         /* printer-state-reasons has SENT_REASON */
    char message[256]; /* printer-state-message, or "" */
};

/* Never ask for a password: the caller may be a full-screen program. */
static const char *no_password(const char *prompt, http_t *http, const char *method,
                               const char *resource, void *data)
{
    (void)prompt;
    (void)http;
    (void)method;
    (void)resource;
    (void)data;
    return NULL;
}

static int give_up(http_t *http, void *data)
{
    (void)http;
    (void)data;
    return 0;
}

static bool queue_name_ok(const char *q)
{
    size_t n = strlen(q);

    if (n == 0 || n > 127)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)q[i];
        if (c <= ' ' || c >= 0x7F || strchr("/\\?'\"#", c) != NULL)
            return false;
    }
    return true;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Connects to the server named in o (or CUPS's default); `where` (size n) receives
 * its name for messages. */
static http_t *connect_server(const struct print_job_opts *o, char *where, size_t n,
                              struct kwh_err *e)
{
    char host[256];
    const char *server = o->server && o->server[0] ? o->server : cupsServer();
    int port = ippPort(), ms = o->timeout_ms > 0 ? o->timeout_ms : REQUEST_TIMEOUT_MS;
    const char *colon = server[0] == '/' ? NULL : strrchr(server, ':');
    http_t *http;

    if (!str_copy(host, sizeof host, server)) {
        kwh_err_setd(e, KWH_EINVAL, PRINT_FAIL_SERVER, "print server name too long: %.60s...",
                     server);
        return NULL;
    }
    if (colon != NULL && strchr(server, ':') == colon && colon[1] != '\0') {
        host[colon - server] = '\0';
        port = atoi(colon + 1);
    }
    if (host[0] == '/')
        snprintf(where, n, "%s", host);
    else
        snprintf(where, n, "%s:%d", host, port);
    cupsSetPasswordCB2(no_password, NULL);
    http = httpConnect2(host, port, NULL, AF_UNSPEC, cupsEncryption(), 1, ms, NULL);
    if (http == NULL) {
        kwh_err_setd(e, KWH_EIO, PRINT_FAIL_SERVER,
                     "cannot reach the print server %s (%s): check that CUPS is running, "
                     "then print again",
                     where, cupsLastErrorString());
        return NULL;
    }
    httpSetTimeout(http, ms / 1000.0, give_up, NULL);
    return http;
}

static int server_error(const char *what, const char *where, struct kwh_err *e)
{
    return kwh_err_setd(e, KWH_EIO, PRINT_FAIL_SERVER,
                        "print server %s refused %s (%s): check that CUPS is running, then "
                        "print again",
                        where, what, cupsLastErrorString());
}

static int get_queue_state(http_t *http, const char *queue, const char *where,
                           struct queue_state *qs, struct kwh_err *e)
{
    static const char *const want[] = {"printer-state", "printer-is-accepting-jobs",
                                       "printer-state-message", "printer-state-reasons"};
    char uri[HTTP_MAX_URI];
    ipp_attribute_t *a;
    ipp_t *req, *resp;

    httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", 0,
                     "/printers/%s", queue);
    req = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                  (int)KWH_ARRAY_LEN(want), NULL, want);
    resp = cupsDoRequest(http, req, "/");
    if (cupsLastError() == IPP_STATUS_ERROR_NOT_FOUND) {
        ippDelete(resp);
        return kwh_err_setd(e, KWH_ENOTFOUND, PRINT_FAIL_NO_QUEUE,
                            "no print queue '%s' on the print server %s: check the queue name "
                            "in the settings (lpstat -p lists the queues)",
                            queue, where);
    }
    if (resp == NULL || cupsLastError() > IPP_STATUS_OK_CONFLICTING) {
        ippDelete(resp);
        return server_error("to describe the queue", where, e);
    }
    qs->state = (a = ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM)) ? ippGetInteger(a, 0)
                                                                            : IPP_PSTATE_IDLE;
    a = ippFindAttribute(resp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
    qs->accepting = a == NULL || ippGetBoolean(a, 0);
    a = ippFindAttribute(resp, "printer-state-message", IPP_TAG_TEXT);
    str_copy(qs->message, sizeof qs->message,
             a && ippGetString(a, 0, NULL) ? ippGetString(a, 0, NULL) : "");
    qs->sent = false;
    if ((a = ippFindAttribute(resp, "printer-state-reasons", IPP_TAG_KEYWORD)) != NULL)
        for (int i = 0; i < ippGetCount(a); i++)
            if (ippGetString(a, i, NULL) != NULL &&
                strcmp(ippGetString(a, i, NULL), SENT_REASON) == 0)
                qs->sent = true;
    ippDelete(resp);
    return 0;
}

/* "" or " (message)" for a message worth showing. */
static void paren(char *buf, size_t n, const char *msg)
{
    if (msg[0] == '\0')
        buf[0] = '\0';
    else
        snprintf(buf, n, " (%s)", msg);
}

static int refuse_if_unusable(const char *queue, const struct queue_state *qs, struct kwh_err *e)
{
    char why[300];

    paren(why, sizeof why, qs->message);
    if (qs->state == IPP_PSTATE_STOPPED)
        return kwh_err_setd(e, KWH_EIO, PRINT_FAIL_STOPPED,
                            "printer '%s' is stopped%s: resume it (cupsenable %s), then print "
                            "again",
                            queue, why, queue);
    if (!qs->accepting)
        return kwh_err_setd(e, KWH_EIO, PRINT_FAIL_REJECTING,
                            "printer '%s' is not accepting jobs%s: enable it (cupsaccept %s), "
                            "then print again",
                            queue, why, queue);
    return 0;
}

static int get_job_state(http_t *http, int job_id, int *state, char *msg, size_t n)
{
    static const char *const want[] = {"job-state", "job-printer-state-message"};
    char uri[HTTP_MAX_URI];
    ipp_attribute_t *a;
    ipp_t *req, *resp;

    httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", 0, "/jobs/%d",
                     job_id);
    req = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, uri);
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                  (int)KWH_ARRAY_LEN(want), NULL, want);
    resp = cupsDoRequest(http, req, "/");
    if (resp == NULL || cupsLastError() > IPP_STATUS_OK_CONFLICTING) {
        ippDelete(resp);
        return KWH_EIO;
    }
    a = ippFindAttribute(resp, "job-state", IPP_TAG_ENUM);
    *state = a ? ippGetInteger(a, 0) : IPP_JSTATE_PENDING;
    a = ippFindAttribute(resp, "job-printer-state-message", IPP_TAG_TEXT);
    str_copy(msg, n, a && ippGetString(a, 0, NULL) ? ippGetString(a, 0, NULL) : "");
    ippDelete(resp);
    return 0;
}

/* Whether a job's last message is a back end's "all of it is out" (CUPS's socket and
 * LPD back ends, in the scheduler's language; English unless it was set otherwise). */
static bool sent_message(const char *msg)
{
    return strcmp(msg, "Print file sent.") == 0 ||
           strcmp(msg, "Waiting for printer to finish.") == 0;
}

/* Cancels job_id and waits (briefly) until CUPS says it is no longer waiting or
 * printing: true once it is canceled, aborted or completed (*state says which). */
static bool cancel_job(http_t *http, const char *queue, int job_id, int *state)
{
    char msg[256];

    *state = IPP_JSTATE_PROCESSING;
    if (cupsCancelJob2(http, queue, job_id, 0) > IPP_STATUS_OK_CONFLICTING &&
        cupsLastError() != IPP_STATUS_ERROR_NOT_POSSIBLE)
        return false;
    for (int i = 0; i < 50; i++) {
        if (get_job_state(http, job_id, state, msg, sizeof msg) < 0)
            return false;
        if (*state >= IPP_JSTATE_CANCELED)
            return true;
        pause_ms(POLL_MS);
    }
    return false;
}

/* The job's fate is no longer followed: the server went away. */
static int lost(const struct print_job_opts *o, int job_id, const char *where, struct kwh_err *e)
{
    return kwh_err_setd(e, KWH_EIO, PRINT_FAIL_LOST,
                        "the print server %s stopped answering while job %d on printer '%s' "
                        "was printing: it may still print when the server is back",
                        where, job_id, o->queue);
}

/* The printer had the whole page and the job then did not finish. */
static int sent_not_finished(const struct print_job_opts *o, int job_id, const char *how,
                             struct kwh_err *e)
{
    return kwh_err_setd(e, KWH_EIO, PRINT_FAIL_SENT,
                        "printer '%s' took the whole of job %d but did not say it printed it "
                        "(%s): it has probably printed",
                        o->queue, job_id, how);
}

/* The wait in whole seconds, rounded up: what the clerk is told and CUPS's
 * job-cancel-after. */
static int wait_secs(const struct print_job_opts *o)
{
    return (o->wait_ms + 999) / 1000;
}

/* The job did not finish in wait_ms and is canceled (by kwhpos, or by CUPS's
 * job-cancel-after of the same length); why: the printer's last words, in parentheses. */
static int timed_out(const struct print_job_opts *o, int job_id, const char *why, struct kwh_err *e)
{
    return kwh_err_setd(e, KWH_EIO, PRINT_FAIL_TIMEOUT,
                        "job %d on printer '%s' did not finish in %d s%s and was canceled: check "
                        "that the printer is on, online and has paper, then print again",
                        job_id, o->queue, wait_secs(o), why);
}

/* Follows job_id, created at created_ms, until it completes (0), fails, or wait_ms pass;
 * a job that cannot complete is canceled so that it never prints later by surprise. */
static int follow_job(http_t *http, const struct print_job_opts *o, int job_id, const char *where,
                      long long created_ms, struct kwh_err *e)
{
    long long deadline = created_ms + o->wait_ms;
    /* CUPS counts job-cancel-after in whole seconds of its clock from the job's start, so
       it may cancel the job up to a second before that many seconds have passed */
    long long cups_may_cancel = created_ms + (wait_secs(o) - 1) * 1000LL;
    char msg[256] = "", why[300];
    struct queue_state qs = {0};
    bool sent = false;
    int state = IPP_JSTATE_PENDING, rc;

    for (;;) {
        if (get_job_state(http, job_id, &state, msg, sizeof msg) < 0)
            return lost(o, job_id, where, e);
        paren(why, sizeof why, msg);
        sent = sent || sent_message(msg);
        if (state == IPP_JSTATE_COMPLETED)
            return 0;
        if (state >= IPP_JSTATE_STOPPED && sent) {
            if (state == IPP_JSTATE_STOPPED)
                cupsCancelJob2(http, o->queue, job_id, 0);
            return sent_not_finished(o, job_id, kwh_tr("the job was then stopped or canceled"), e);
        }
        if (state == IPP_JSTATE_ABORTED)
            return kwh_err_setd(e, KWH_EIO, PRINT_FAIL_ABORTED,
                                "printer '%s' aborted job %d%s: check the printer, then print "
                                "again",
                                o->queue, job_id, why);
        if (state == IPP_JSTATE_STOPPED) {
            /* CUPS stops a job it cannot send (say, an output it cannot open); it
             * would wait for someone to restart it */
            cupsCancelJob2(http, o->queue, job_id, 0);
            return kwh_err_setd(e, KWH_EIO, PRINT_FAIL_ABORTED,
                                "printer '%s' stopped job %d%s and it was canceled: check the "
                                "printer, then print again",
                                o->queue, job_id, why);
        }
        if (state == IPP_JSTATE_CANCELED && now_ms() >= cups_may_cancel)
            return timed_out(o, job_id, why, e); /* by CUPS, at the time it was given */
        if (state == IPP_JSTATE_CANCELED)
            return kwh_err_setd(e, KWH_EIO, PRINT_FAIL_CANCELED,
                                "job %d on printer '%s' was canceled%s: print again when the "
                                "printer is ready",
                                job_id, o->queue, why);
        if (get_queue_state(http, o->queue, where, &qs, e) < 0)
            return lost(o, job_id, where, e);
        sent = sent || (state == IPP_JSTATE_PROCESSING && qs.sent);
        if (qs.state == IPP_PSTATE_STOPPED || !qs.accepting) {
            cupsCancelJob2(http, o->queue, job_id, 0);
            if (sent)
                return sent_not_finished(o, job_id, qs.message[0] ? qs.message : "stopped", e);
            rc = refuse_if_unusable(o->queue, &qs, e);
            kwh_err_prefix(e, "job %d canceled", job_id);
            return rc;
        }
        if (now_ms() >= deadline)
            break;
        pause_ms(POLL_MS);
    }
    if (!cancel_job(http, o->queue, job_id, &state) && !sent)
        return lost(o, job_id, where, e);
    if (state == IPP_JSTATE_COMPLETED)
        return 0;
    if (sent) {
        char how[64];
        snprintf(how, sizeof how, kwh_tr("not finished in %d s"), wait_secs(o));
        return sent_not_finished(o, job_id, how, e);
    }
    paren(why, sizeof why, msg[0] ? msg : qs.message);
    return timed_out(o, job_id, why, e);
}

int print_module_job_check(const struct print_job_opts *o, int job_id, int *outcome,
                           struct kwh_err *e)
{
    char where[300], msg[256] = "";
    struct queue_state qs = {0};
    http_t *http;
    int state = IPP_JSTATE_PENDING, rc = 0;

    *outcome = PRINT_JOB_UNKNOWN;
    if (o->queue == NULL || !queue_name_ok(o->queue))
        return kwh_err_setd(e, KWH_EINVAL, PRINT_FAIL_NO_QUEUE, "'%s' is not a print queue name",
                            o->queue ? o->queue : "");
    http = connect_server(o, where, sizeof where, e);
    if (http == NULL)
        return e != NULL ? e->code : KWH_EIO;
    if (get_job_state(http, job_id, &state, msg, sizeof msg) < 0) {
        if (cupsLastError() == IPP_STATUS_ERROR_NOT_FOUND)
            *outcome = PRINT_JOB_UNKNOWN; /* gone from the server's history */
        else
            rc = server_error("to report the job", where, e);
        goto out;
    }
    if (state < IPP_JSTATE_STOPPED) {
        /* waiting or printing: sent whole already, or canceled now */
        if (state == IPP_JSTATE_PROCESSING &&
            (sent_message(msg) ||
             (get_queue_state(http, o->queue, where, &qs, e) == 0 && qs.sent))) {
            cupsCancelJob2(http, o->queue, job_id, 0);
            *outcome = PRINT_JOB_SENT;
            goto out;
        }
        if (!cancel_job(http, o->queue, job_id, &state)) {
            rc = server_error("to cancel the job", where, e);
            goto out;
        }
        get_job_state(http, job_id, &state, msg, sizeof msg);
    }
    if (state == IPP_JSTATE_COMPLETED)
        *outcome = PRINT_JOB_PRINTED;
    else
        *outcome = sent_message(msg) ? PRINT_JOB_SENT : PRINT_JOB_NOT_PRINTED;
out:
    httpClose(http);
    return rc;
}

int print_module_submit(const struct print_job_opts *o, const char *format, const void *data,
                        size_t len, int *job_id, struct kwh_err *e)
{
    const char *title = o->title && o->title[0] ? o->title : "kwhpos";
    char where[300], after[16];
    struct queue_state qs;
    cups_option_t *options = NULL;
    http_t *http;
    int id = 0, noptions = 0, state, rc;
    long long created_ms;

    if (job_id != NULL)
        *job_id = 0;
    if (o->queue == NULL || !queue_name_ok(o->queue))
        return kwh_err_setd(e, KWH_EINVAL, PRINT_FAIL_NO_QUEUE,
                            "'%s' is not a print queue name: set the queue in the settings",
                            o->queue ? o->queue : "");
    http = connect_server(o, where, sizeof where, e);
    if (http == NULL)
        return e != NULL ? e->code : KWH_EIO;
    rc = get_queue_state(http, o->queue, where, &qs, e);
    if (rc == 0)
        rc = refuse_if_unusable(o->queue, &qs, e);
    if (rc < 0)
        goto out;
    /* a job kwhpos follows is one CUPS cancels by itself when it runs longer than that
       (it starts counting when the job starts printing), even if kwhpos is gone */
    if (o->wait_ms > 0) {
        snprintf(after, sizeof after, "%d", wait_secs(o));
        noptions = cupsAddOption("job-cancel-after", after, noptions, &options);
    }
    created_ms = now_ms(); /* before CUPS starts its job-cancel-after clock */
    id = cupsCreateJob(http, o->queue, title, noptions, options);
    cupsFreeOptions(noptions, options);
    if (id == 0) {
        if (cupsLastError() == IPP_STATUS_ERROR_NOT_FOUND)
            rc = kwh_err_setd(e, KWH_ENOTFOUND, PRINT_FAIL_NO_QUEUE,
                              "no print queue '%s' on the print server %s", o->queue, where);
        else if (cupsLastError() == IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS)
            rc = kwh_err_setd(e, KWH_EIO, PRINT_FAIL_REJECTING,
                              "printer '%s' is not accepting jobs: enable it (cupsaccept %s), "
                              "then print again",
                              o->queue, o->queue);
        else
            rc = server_error("the job", where, e);
        goto out;
    }
    if (job_id != NULL)
        *job_id = id;
    if (o->created != NULL && (rc = o->created(o->ctx, id, e)) < 0) {
        cupsCancelJob2(http, o->queue, id, 0);
        goto out;
    }
    if (cupsStartDocument(http, o->queue, id, title, format, 1) != HTTP_STATUS_CONTINUE ||
        cupsWriteRequestData(http, data, len) != HTTP_STATUS_CONTINUE ||
        cupsFinishDocument(http, o->queue) > IPP_STATUS_OK_CONFLICTING) {
        /* the job holds whatever CUPS got: not printed once CUPS confirms it canceled */
        if (cancel_job(http, o->queue, id, &state) && state != IPP_JSTATE_COMPLETED)
            rc = server_error("the document", where, e);
        else
            rc = lost(o, id, where, e);
        goto out;
    }
    if (o->wait_ms > 0)
        rc = follow_job(http, o, id, where, created_ms, e);
out:
    httpClose(http);
    return rc;
}
