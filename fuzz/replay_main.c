/* replay_main: runs a fuzz target over files, without libFuzzer, as a plain test.
 *
 * Linked with a fuzz/<target>.c by tests/reliability, it feeds every file in the folders
 * (or files) named on the command line to LLVMFuzzerTestOneInput: the seed corpus
 * (fuzz/corpus/<target>/) is replayed by ctest with gcc, and under ASan+UBSan in CI. A
 * broken invariant aborts; no input at all is a failure. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_BYTES ((size_t)16 * 1024 * 1024)

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    uint8_t *data = malloc(REPLAY_MAX_BYTES);
    size_t n = data ? fread(data, 1, REPLAY_MAX_BYTES, f) : 0;
    fclose(f);
    if (!data)
        return -1;
    /* An exact-size copy, so that ASan sees a read past the input's end. */
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact) {
        free(data);
        return -1;
    }
    memcpy(exact, data, n);
    free(data);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

static int replay(const char *path, long *count)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0; /* an absent path adds no input (no input at all fails in main) */
    if (!S_ISDIR(st.st_mode)) {
        if (replay_file(path) != 0)
            return -1;
        (*count)++;
        return 0;
    }
    DIR *dir = opendir(path);
    if (!dir)
        return -1;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char child[4096];
        snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
        rc = replay(child, count);
    }
    closedir(dir);
    return rc;
}

int main(int argc, char **argv)
{
    long count = 0;
    for (int i = 1; i < argc; i++)
        if (replay(argv[i], &count) != 0)
            return 1;
    printf("replayed %ld inputs\n", count);
    return count > 0 ? 0 : 1;
}
