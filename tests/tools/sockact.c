/* SPDX-License-Identifier: Apache-2.0 */
/* sockact SOCKET CMD [ARGS...]: listens on the unix socket SOCKET and runs CMD with it
 * as a socket-activated service, as systemd would (the socket on descriptor 3,
 * LISTEN_FDS=1, LISTEN_PID = its pid). The PC/SC suites run their own pcscd on a
 * private socket this way: pcscd 1.9.9 otherwise binds only its compiled-in path
 * (/run/pcscd/pcscd.comm), while its clients follow $PCSCLITE_CSOCK_NAME. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char pid[24];
    int fd;

    if (argc < 3 || strlen(argv[1]) >= sizeof sa.sun_path) {
        fprintf(stderr, "usage: sockact SOCKET CMD [ARGS...] (SOCKET shorter than %zu bytes)\n",
                sizeof sa.sun_path);
        return 2;
    }
    memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
    unlink(argv[1]);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0) {
        perror(argv[1]);
        return 1;
    }
    if (fd != 3 && (dup2(fd, 3) < 0 || close(fd) < 0)) {
        perror("dup2");
        return 1;
    }
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    setenv("LISTEN_FDS", "1", 1);
    setenv("LISTEN_PID", pid, 1);
    unsetenv("LISTEN_FDNAMES");
    execvp(argv[2], argv + 2);
    perror(argv[2]);
    return 127;
}
