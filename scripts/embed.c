/* Turns files into a C array table (build/gen/assets.c) so the default
 * rubrics and the demo data travel inside the binary. Build-time tool. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("#include \"simsa/assets.h\"\n\n");
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		printf("static const unsigned char asset_%d[] = {", i);
		size_t n = 0;
		int c;
		while ((c = getc(f)) != EOF) {
			printf("%s%d,", n % 24 ? "" : "\n", c);
			n++;
		}
		printf("0};\n");
		fclose(f);
	}
	printf("\nconst struct asset simsa_assets[] = {\n");
	for (int i = 1; i < argc; i++)
		printf("\t{\"%s\", asset_%d, sizeof asset_%d - 1},\n", argv[i], i, i);
	printf("\t{0, 0, 0}\n};\n");
	return 0;
}
