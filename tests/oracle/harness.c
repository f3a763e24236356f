/*
 * Reference oracle: feeds crontab lines to Debian's own parser (entry.c, env.c, misc.c
 * from the Debian `cron` source package) and prints what cron makes of each line.
 * Built and run by tests/oracle/build_fixtures.sh; not part of cronmigrate.
 *
 * Input: one crontab line per input line (user-crontab format).
 * Output, one line each:
 *   ENV <name=value>
 *   ERR
 *   JOB <flags> <minute bits> <hour bits> <dom bits> <month bits> <dow bits> <command>
 * Bits are written as 0/1 strings, lowest value first.
 */
#define MAIN_PROGRAM
#include "cron.h"

static void quiet(const char *msg) { (void)msg; }

static void bits(bitstr_t *b, int n) {
	int i;
	putchar(' ');
	for (i = 0; i < n; i++)
		putchar(bit_test(b, i) ? '1' : '0');
}

int main(void) {
	char line[MAX_COMMAND + 2], envstr[MAX_ENVSTR];
	struct passwd pw;
	char **envp = env_init();
	memset(&pw, 0, sizeof pw);
	pw.pw_name = "user";
	pw.pw_dir = "/home/user";
	while (fgets(line, sizeof line, stdin)) {
		FILE *f = fmemopen(line, strlen(line), "r");
		int status;
		entry *e;
		LineNumber = 1;
		status = load_env(envstr, f);
		if (status == TRUE) {
			printf("ENV %s\n", envstr);
		} else if (status == ERR) {
			printf("ERR\n");
		} else {
			e = load_entry(f, quiet, &pw, envp);
			if (e == NULL) {
				printf("ERR\n");
			} else {
				printf("JOB %d", e->flags);
				bits(e->minute, MINUTE_COUNT);
				bits(e->hour, HOUR_COUNT);
				bits(e->dom, DOM_COUNT);
				bits(e->month, MONTH_COUNT);
				bits(e->dow, DOW_COUNT);
				printf(" %s\n", e->cmd);
				free_entry(e);
			}
		}
		fclose(f);
		fflush(stdout);
	}
	return 0;
}
