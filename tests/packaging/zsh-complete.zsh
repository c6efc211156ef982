# SPDX-License-Identifier: GPL-3.0-or-later
# Completes LINE with zsh's own completion system in a pseudo-terminal (zsh/zpty)
# with list-choices (Ctrl-D, which lists without inserting), and prints the
# candidates zsh offers, one a line.
# Usage: zsh -f zsh-complete.zsh COMPLETIONS_DIR LINE
zmodload zsh/zpty
setopt extendedglob
comp_dir=$1 line=$2
zpty z 'zsh -f -i'
zpty -w z "PROMPT='%% '"
zpty -w z "fpath=($comp_dir \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' list-separator '#'; zstyle ':completion:*' format 'GROUP<%d>'"
zpty -w z "LISTMAX=0; COLUMNS=1000; setopt nolistbeep nobeep; unsetopt automenu; print RE\"\"ADY"
# (RE""ADY: only the output reads READY, never the echoed command line.)
while zpty -r z l; do [[ $l == READY* ]] && break; done
# Then its prompt: zle draws it once the terminal is raw. Typed earlier, the line
# meets the terminal's own line editing, which takes Ctrl-D as end of input.
zpty -r z l '*% *'
zpty -w -n z "$line"$'\C-d'
# Read until zsh has listed the candidates and redrawn the command line under
# them, at most ~60 s (a machine under load may take many seconds).
plain() { print -r -- "$1" | sed 's/.\x08//g; s/\x1b\[[0-9;?]*[a-zA-Z]/\n/g; s/\r/\n/g' }
out=
for i in {1..300}; do
  sleep 0.2
  while zpty -r -t z l; do out+=$l; done
  # Done once a listing (its GROUP heading) is followed by the redrawn command line.
  text=$(plain "$out")
  [[ $text == *GROUP\<* ]] && [[ ${text##*GROUP\<} == *"${line% }"* ]] && break
done
zpty -d z
# Plain text: escape sequences and carriage returns become line breaks, so the
# listing and the redrawn command line come apart.
out=$(plain "$out")
typeset -a candidates
for l in ${(f)out}; do
  l=${l%%[[:space:]]#}
  # Skip the command line (typed and redrawn), group headings and the prompt.
  [[ $l == ${line%% *}* || $l == *GROUP\<* || $l == '%'* ]] && continue
  candidates+=(${=l%%\#*})
done
print -rl -- $candidates
