# doc/automake.mk
