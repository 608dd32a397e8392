/*
 * recvtty SOCKET LOG [INPUT]: a --console-socket receiver for the tests.
 *
 * Listens on SOCKET (AF_UNIX, SOCK_STREAM), accepts one connection and
 * receives the pty master the way go-runc and conmon do, checking the framing
 * they insist on: exactly one SOL_SOCKET/SCM_RIGHTS message with exactly one
 * int (cmsg_len == CMSG_LEN(4)) and a non-empty payload. Writes to LOG:
 *   payload=<payload>
 *   framing=ok | framing=bad <why>
 *   winsize=<rows>x<cols>
 * then writes INPUT (if given) to the master and copies everything the
 * container prints to LOG until the pty closes.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static void die(const char *what) {
    perror(what);
    exit(1);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: recvtty SOCKET LOG [INPUT]\n");
        return 2;
    }
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l < 0) die("socket");
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    unlink(argv[1]);
    if (bind(l, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
    if (listen(l, 1) < 0) die("listen");
    FILE *log = fopen(argv[2], "w");
    if (!log) die("fopen");
    setvbuf(log, NULL, _IONBF, 0);
    int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) die("accept");
    close(l);
    unlink(argv[1]);

    char payload[4096];
    char control[CMSG_SPACE(sizeof(int) * 4)];
    struct iovec iov = {payload, sizeof payload - 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    ssize_t n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0) die("recvmsg");
    payload[n > 0 ? n : 0] = 0;
    fprintf(log, "payload=%s\n", payload);
    int master = -1, count = 0;
    const char *bad = NULL;
    for (struct cmsghdr *h = CMSG_FIRSTHDR(&msg); h; h = CMSG_NXTHDR(&msg, h)) {
        count++;
        if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
            bad = "not SCM_RIGHTS";
        else if (h->cmsg_len != CMSG_LEN(sizeof(int)))
            bad = "cmsg_len is not CMSG_LEN(sizeof(int))";
        else
            memcpy(&master, CMSG_DATA(h), sizeof master);
    }
    if (n <= 0) bad = "empty payload";
    if (count != 1) bad = "not exactly one control message";
    if (msg.msg_controllen != CMSG_SPACE(sizeof(int))) bad = "control length is not CMSG_SPACE(sizeof(int))";
    if (bad)
        fprintf(log, "framing=bad %s\n", bad);
    else
        fprintf(log, "framing=ok\n");
    if (master < 0) return 1;
    struct winsize ws = {0};
    ioctl(master, TIOCGWINSZ, &ws);
    fprintf(log, "winsize=%dx%d\n", ws.ws_row, ws.ws_col);
    if (argc > 3) {
        /* Give the container a moment to reach its read. */
        usleep(100000);
        if (write(master, argv[3], strlen(argv[3])) < 0) die("write");
    }
    char buf[4096];
    for (;;) {
        ssize_t r = read(master, buf, sizeof buf);
        if (r <= 0) break; /* EIO once every peer fd is closed */
        fwrite(buf, 1, (size_t)r, log);
    }
    fprintf(log, "\n[eof]\n");
    return 0;
}
