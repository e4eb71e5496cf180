# Sourced by tests/readme.sh and docker/test.sh, which run the README's commands as written.

# The heading of the README section whose commands need Docker (docker/test.sh runs them).
README_CONTAINER_SECTION="## Containers and scaling out"

# readme_commands inside|outside README
# Prints the README's "    $ " lines without the "$ ", in order: those inside the container section,
# or all the others.
readme_commands() {
  awk -v want="$1" -v section="$README_CONTAINER_SECTION" '
    /^## / { inside = ($0 == section) }
    /^    \$ / { if ((want == "inside") == (inside == 1)) { sub(/^    \$ /, ""); print } }
  ' "$2"
}
