// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stub - an empty program that prints what `fusermount3 --version` prints.
 * make bench links it four times: as a static PIE (no dynamic loader at
 * all), against libc only (like the packaged helper), against libc and
 * libcap-ng and against libmount (as ours was linked before), and starts
 * each setuid root like the helpers: the differences are the price of a
 * link set, apart from anything our code does.
 */
#include <stdio.h>

int main(void)
{
	puts("fusermount3 version: stub");
	return 0;
}
