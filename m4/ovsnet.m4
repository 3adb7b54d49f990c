# OVSNET_CHECK_OVS
# ----------------
# Finds libopenvswitch.  Where a distribution ships it (pkg-config module
# "libopenvswitch", e.g. Ubuntu's libopenvswitch-dev) that is used.
# Otherwise --with-ovs-source=DIR and --with-ovs-build=DIR name a configured
# and built Open vSwitch tree, as OVN's configure does; contrib/ovs-build-tree
# prepares one from Debian's openvswitch-source.
#
# Sets OVS_CFLAGS, OVS_LIBS and defines OVS_CONFIG_H when Open vSwitch's
# own config.h must be included after ours (see config.h).
AC_DEFUN([OVSNET_CHECK_OVS], [
  AC_ARG_WITH([ovs-source],
    [AS_HELP_STRING([--with-ovs-source=DIR],
                    [Open vSwitch source tree (default: pkg-config)])],
    [OVS_SOURCE=$withval], [OVS_SOURCE=])
  AC_ARG_WITH([ovs-build],
    [AS_HELP_STRING([--with-ovs-build=DIR],
                    [Open vSwitch build tree (default: --with-ovs-source)])],
    [OVS_BUILD=$withval], [OVS_BUILD=])

  if test -z "$OVS_SOURCE" && test -z "$OVS_BUILD"; then
    PKG_CHECK_MODULES([OVS], [libopenvswitch >= 2.17], [],
      [AC_MSG_ERROR([libopenvswitch not found by pkg-config.  Give
--with-ovs-source=DIR --with-ovs-build=DIR (contrib/ovs-build-tree prepares
one from Debian's openvswitch-source).])])
    ovs_header=`$PKG_CONFIG --variable=includedir libopenvswitch`/openvswitch
    OVS_CFLAGS="$OVS_CFLAGS -I$ovs_header -I$ovs_header/lib"
  else
    test -z "$OVS_SOURCE" && OVS_SOURCE=$OVS_BUILD
    test -z "$OVS_BUILD" && OVS_BUILD=$OVS_SOURCE
    OVS_SOURCE=`cd "$OVS_SOURCE" && pwd` || AC_MSG_ERROR([$OVS_SOURCE: no such directory])
    OVS_BUILD=`cd "$OVS_BUILD" && pwd` || AC_MSG_ERROR([$OVS_BUILD: no such directory])
    AC_MSG_CHECKING([for a built Open vSwitch tree in $OVS_BUILD])
    if test -f "$OVS_BUILD/lib/.libs/libopenvswitch.a" &&
       test -f "$OVS_BUILD/lib/vswitch-idl.h" &&
       test -f "$OVS_BUILD/config.h" &&
       test -f "$OVS_SOURCE/lib/ovsdb-idl.h"; then
      AC_MSG_RESULT([yes])
    else
      AC_MSG_RESULT([no])
      AC_MSG_ERROR([$OVS_BUILD is not a built Open vSwitch tree (need
lib/.libs/libopenvswitch.a and lib/vswitch-idl.h); run contrib/ovs-build-tree])
    fi
    OVS_CFLAGS="-I$OVS_BUILD -I$OVS_SOURCE/include -I$OVS_BUILD/include"
    OVS_CFLAGS="$OVS_CFLAGS -I$OVS_SOURCE/lib -I$OVS_BUILD/lib"
    ovs_deps=`sed -n "s/^dependency_libs='\(.*\)'/\1/p" "$OVS_BUILD/lib/libopenvswitch.la"`
    dnl libtool archives named in dependency_libs become their static libraries.
    ovs_deps=`echo "$ovs_deps" | sed 's,\([[^ ]]*\)/\(lib[[^/ ]]*\)\.la,\1/.libs/\2.a,g'`
    OVS_LIBS="$OVS_BUILD/lib/.libs/libopenvswitch.a $ovs_deps -lpthread -lrt"
    AC_DEFINE_UNQUOTED([OVS_CONFIG_H], ["$OVS_BUILD/config.h"],
              [Open vSwitch's own config.h, included after ours.])
    ovs_version=`sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$OVS_BUILD/config.h"`
    AC_MSG_NOTICE([Open vSwitch version: $ovs_version])
  fi
  dnl ovsdb-idlc generates the IDL of OVN's Northbound database, as OVN's
  dnl own build does: the one in PATH where a distribution ships it, else
  dnl the source tree's, run with its Python library.
  AC_PATH_PROG([OVSDB_IDLC_PROG], [ovsdb-idlc])
  AM_PATH_PYTHON([3], [], [:])
  if test -n "$OVSDB_IDLC_PROG"; then
    OVSDB_IDLC=$OVSDB_IDLC_PROG
  elif test -n "$OVS_SOURCE" && test "$PYTHON" != ":"; then
    OVSDB_IDLC="PYTHONPATH=$OVS_SOURCE/python PYTHONDONTWRITEBYTECODE=yes $PYTHON $OVS_SOURCE/ovsdb/ovsdb-idlc.in"
  else
    AC_MSG_ERROR([no ovsdb-idlc: install Open vSwitch's ovsdb-idlc, or give
--with-ovs-source=DIR and python3])
  fi
  AC_SUBST([OVSDB_IDLC])
  AC_SUBST([OVS_SOURCE])
  AC_SUBST([OVS_BUILD])
  AC_SUBST([OVS_CFLAGS])
  AC_SUBST([OVS_LIBS])

  dnl The run directory the library was compiled for decides the default
  dnl database socket; it must match the running daemons.
  AC_ARG_VAR([OVS_RUNDIR], [Open vSwitch run directory (default /var/run/openvswitch)])
])
