# shellcheck shell=bash
# Shared by the CLI test scripts (sourced; needs $T, a scratch directory).
# ok / bad count checks; expect runs a command and checks what the README
# promises of every exit: "Exit codes: 0 success, 1 runtime failure, 2 bad
# usage or bad input", "Errors are one line on stderr".
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# expect CODE DESCRIPTION [REGEX] -- command...: the exit code; for 1 and 2
# exactly one error line, the last line on stderr (the lines before it may
# only be warnings), in the form "<where>: <why>" ("<file>:<line>: <why>"
# included) and, given REGEX (extended), matching "^vcdiscover: error: REGEX";
# for 0 no error line, and given REGEX, a line of stdout or stderr matching it.
ERR_FORMAT='^vcdiscover: error: [^ ][^:]*(:[0-9]+)?: [^ ]'
expect() {
  local want=$1 what=$2 re=""
  shift 2
  if [ "$1" != "--" ]; then re=$1; shift; fi
  shift
  "$@" >"$T/stdout" 2>"$T/stderr"
  local got=$?
  if [ "$got" != "$want" ]; then bad "$what: exit $got, want $want ($(head -c 300 "$T/stderr"))"; return; fi
  if [ "$want" = 0 ]; then
    if grep -q '^vcdiscover: error: ' "$T/stderr"; then bad "$what: exit 0 with an error line"; return; fi
    if [ -n "$re" ] && ! cat "$T/stdout" "$T/stderr" | grep -Eq -- "$re"; then
      bad "$what: no output line matches '$re': $(head -c 300 "$T/stdout")"; return
    fi
    ok; return
  fi
  local last
  last=$(tail -n 1 "$T/stderr")
  if [ "$(grep -c '^vcdiscover: error: ' "$T/stderr")" != 1 ] || ! grep -q '^vcdiscover: error: ' <<<"$last" ||
    grep -vq '^vcdiscover: \(warning\|error\): ' "$T/stderr"; then
    bad "$what: not one error line after warnings: $(head -c 400 "$T/stderr")"; return
  fi
  grep -Eq "$ERR_FORMAT" <<<"$last" || { bad "$what: not '<where>: <why>': $last"; return; }
  if [ -n "$re" ] && ! grep -Eq -- "^vcdiscover: error: $re" <<<"$last"; then
    bad "$what: error line '$last' does not match '$re'"; return
  fi
  ok
}
json_num() { grep -o "\"$1\":[-0-9.e]*" | head -n 1 | cut -d: -f2; } # KEY < text
