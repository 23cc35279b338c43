#!/usr/bin/env bash
# dotnetwsgi build script.
#   ./build.sh          set up, restore, build Release, publish artifacts/bin/dotnetwsgi
#   ./build.sh test     the above, then run every test (unit + integration) and print a summary line
#   ./build.sh serve    the above, then serve the sample Flask app (samples/app.ini) on 127.0.0.1:8000
#   ./build.sh fuzz [N] [SEED] [--target T]
#                       fuzz the HTTP and uwsgi parsers and the ini reader: N inputs per target
#                       (default 1000000) from SEED (default 1); exit 1 on an invariant violation,
#                       printing how to reproduce it (docs/http-parsing.md, "Fuzzing")
# On Debian as root, missing OS packages the build, the tests and the sample need are installed first.
# artifacts/bin/dotnetwsgi is one NativeAOT executable (linux-x64): the master and its workers.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

# Packages: a C toolchain and zlib headers for the NativeAOT link, Python 3.11 with Flask for the
# apps, nginx for the nginx tests, tmux for the `top` test.
OS_PACKAGES=(gcc libc6-dev zlib1g-dev python3 python3-flask libpython3.11 nginx-light tmux curl procps)

install_os_packages() {
    command -v dpkg-query >/dev/null 2>&1 || return 0
    local missing=()
    for p in "${OS_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "build.sh: missing OS packages (install them as root): ${missing[*]}" >&2
        return 0
    fi
    echo "build.sh: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The NativeAOT link runs the system C compiler as its linker driver (clang, else gcc) and links zlib.
check_native_toolchain() {
    if ! command -v clang >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1; then
        echo "build.sh: the NativeAOT link needs a C toolchain: install gcc (or clang) and zlib1g-dev" >&2
        exit 1
    fi
}

# The AOT compiler targets one instruction set for good (the JIT picks at run time): x86-64-v3
# (AVX2, BMI1/2, FMA, MOVBE) when this machine's CPU has it, else the x86-64-v2 baseline, so the
# binary always runs where it was built. IlcInstructionSet in the environment overrides the choice.
instruction_set() {
    if [ -n "${IlcInstructionSet:-}" ]; then echo "$IlcInstructionSet"; return; fi
    local flags; flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
    for f in avx2 bmi1 bmi2 fma movbe abm; do
        case " $flags " in *" $f "*) ;; *) echo x86-64-v2; return ;; esac
    done
    echo x86-64-v3
}

# Trimming/AOT warnings are errors in this publish (see src/Manager/Manager.csproj).
publish() {
    check_native_toolchain
    rm -rf artifacts/bin
    local isa; isa=$(instruction_set)
    dotnet publish src/Manager/Manager.csproj -c Release -r linux-x64 -p:PublishAot=true \
        -p:IlcInstructionSet="$isa" -o artifacts/bin -nologo -v quiet
    echo "build.sh: published $ROOT/artifacts/bin/dotnetwsgi (NativeAOT, $isa)"
}

run_tests() {
    export DOTNETWSGI_BIN="$ROOT/artifacts/bin/dotnetwsgi"
    local log=artifacts/test.log
    mkdir -p artifacts
    set +e
    dotnet test Manager.sln -c Release -nologo 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    set -e
    # One plain closing line for CI: "N passed, N failed, N skipped".
    python3 - "$log" <<'PY'
import re, sys
p = f = s = 0
broken = set()
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"Failed:\s+(\d+), Passed:\s+(\d+), Skipped:\s+(\d+)", line)
    if m:
        f += int(m.group(1)); p += int(m.group(2)); s += int(m.group(3))
    m = re.search(r"error [A-Z]+\d+:.*\[(.*?)\]\s*$", line)
    if m:
        broken.add(m.group(1).rsplit("/", 1)[-1])
line = f"{p} passed, {f} failed, {s} skipped"
if broken:
    line += f"; did not build, so not run: {', '.join(sorted(broken))}"
print(line)
PY
    return "$rc"
}

cmd=${1:-build}
[ "$cmd" = fuzz ] || install_os_packages
case "$cmd" in
    build) publish ;;
    test) publish; run_tests ;;
    serve) publish; exec artifacts/bin/dotnetwsgi --ini samples/app.ini ;;
    fuzz)
        shift
        out=$(dotnet build tools/Fuzz/Fuzz.csproj -c Release -nologo -v quiet) || { echo "$out" >&2; exit 1; }
        exec dotnet tools/Fuzz/bin/Release/net10.0/dotnetwsgi-fuzz.dll "$@" ;;
    *) echo "usage: $0 [build|test|serve|fuzz [N] [SEED]]" >&2; exit 2 ;;
esac
