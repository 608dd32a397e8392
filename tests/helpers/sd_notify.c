/* sd_notify MESSAGE: sends one datagram to $NOTIFY_SOCKET (a static stand-in
 * for systemd-notify, for use inside test containers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
    const char *path = getenv("NOTIFY_SOCKET");
    if (argc < 2 || !path) {
        fprintf(stderr, "usage: NOTIFY_SOCKET=... sd_notify MESSAGE\n");
        return 2;
    }
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strncpy(a.sun_path, path, sizeof a.sun_path - 1);
    if (sendto(s, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("sendto");
        return 1;
    }
    return 0;
}
