/* score_chart — the bar and whisker of an entrant's total, in ASCII, as
 * `simsa score` prints it and the results screen draws it
 * (include/simsa/score.h; docs/console.md, "Results screen"). */
#include "simsa/score.h"

#include <math.h>
#include <string.h>

int score_chart_cells(double v, double max, int w)
{
	double n;

	if (isnan(v) || !(max > 0) || w < 1)
		return 0;
	n = round(w * v / max);
	return n < 0 ? 0 : n > w ? w : (int)n;
}

void score_chart(char *out, int w, double total, double low, double high, double max)
{
	int n = score_chart_cells(total, max, w), a, b;

	if (w < 1) {
		out[0] = '\0';
		return;
	}
	memset(out, '.', (size_t)w);
	memset(out, '#', (size_t)n);
	out[w] = '\0';
	if (isnan(low) || isnan(high))
		return;
	a = score_chart_cells(low, max, w);
	b = score_chart_cells(high, max, w);
	a = a < 1 ? 1 : a;
	b = b < 1 ? 1 : b;
	if (a > b) {
		int t = a;

		a = b;
		b = t;
	}
	for (int k = a; k < b - 1; k++) /* cells a+1 .. b-1, 0-based k */
		if (k >= n)
			out[k] = '-';
	out[a - 1] = '|';
	out[b - 1] = '|';
}
