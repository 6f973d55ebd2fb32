// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stub - an empty program that prints what `fusermount3 --version` prints.
 * make bench links it twice, once against libc only (like the packaged
 * helper) and once against exactly our libraries, and starts both setuid
 * root like the helpers: the difference is the price of the link set,
 * apart from anything our code does.
 */
#include <stdio.h>

int main(void)
{
	puts("fusermount3 version: stub");
	return 0;
}
