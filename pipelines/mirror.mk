# mirror.mk: keep a selection of one registry mirrored in another, from make or cron.
#
#   make -f pipelines/mirror.mk SRC=registry.example DST=mirror.example SELECT="--repo 'team/*'"
#   make -f pipelines/mirror.mk SRC=... DST=... SELECT=... PRUNE=1   # also delete what SRC dropped
#   make -f pipelines/mirror.mk SRC=... DST=... SELECT=... prune     # the same as PRUNE=1
#
# Variables:
#   SRC           the source registry: host[:port] (HTTPS), or http://host[:port] (required)
#   DST           the destination registry, written the same way (required)
#   SELECT        reg-select filters choosing what is mirrored, quoted for the shell:
#                 SELECT="--repo 'team/*' --tag '>=2.0'"; empty (the default) is everything
#   OPTIONS       options for every tool that talks to a registry: --insecure, --ca-file FILE,
#                 --cert FILE, --key FILE, --authfile FILE, --jobs N, --retries N, --timeout S
#   COPY_OPTIONS  more options for reg-copy: --progress, --verbose. Not --prefix, --strip-prefix
#                 or --rename: reg-diff compares repositories by name, so renamed copies would
#                 never compare equal, and a prune would take them for tags SRC lacks
#   RM_OPTIONS    more options for reg-rm: --scope repo, --tag-only, --verbose
#   PRUNE         1 (or yes, true): after copying, delete at DST the tags SRC no longer has
#   DRY_RUN       1 (or yes, true): reg-copy and reg-rm with --dry-run; nothing changes
#
# What it runs:
#   reg-ls SRC | reg-tags | reg-select SELECT                        the selection
#   ... | reg-diff DST | reg-copy DST                                copy what differs
#   reg-diff's extra records, registry set to DST | reg-tags | reg-rm   prune (PRUNE=1)
# reg-diff writes a record for each tag DST lacks (`missing`) or holds at another digest
# (`changed`), and reg-copy copies those; a second run finds no difference and copies nothing.
# A repository DST lacks altogether is one `missing` record without a tag (every tag) only
# when the selection holds every tag of it; otherwise reg-diff reports the selected tags one
# by one, so a tag filter in SELECT holds for new repositories too.
#
# Pruning deletes the tags that reg-diff reports `extra` (DST has them, SRC does not), from
# the same comparison, after the copy. reg-diff writes the reference registry (SRC) as their
# `registry`; they are rewritten to DST before reg-rm sees them. reg-rm's reverse check keeps
# a digest that any other tag of DST still reaches (status `kept`, with a reason; it lists
# every repository of DST, or only the selected ones with RM_OPTIONS=--scope repo), so a
# prune never breaks a tag it did not select; RM_OPTIONS=--tag-only removes such a tag alone.
# Only what reg-diff proves SRC lacks is pruned: tags of repositories that SELECT takes whole
# (no tag or age filter), and whole repositories only when SELECT is empty. Pruning needs the
# listing and the comparison to have succeeded; a failed copy does not stop it. A SELECT that
# passes nothing is trouble, as a failed listing is: reg-diff has nothing to compare. Deletion
# must be enabled at DST (distribution: storage.delete.enabled); space returns with its
# garbage collection.
#
# Records go to standard output (make -s -f ... >> mirror.ndjson): reg-copy's, then reg-rm's;
# without PRUNE, reg-diff's extra records pass through reg-copy untouched, so the log shows
# what a prune would delete. One summary line per step goes to standard error. The goal fails
# (make's status 2) when a tool meets trouble or a record fails; reg-diff's status 1 ("there
# are differences") is what the mirror is for, not a failure.
# Credentials: --authfile FILE in OPTIONS (one Docker-config-format file can hold both
# registries), REG_USERNAME and REG_PASSWORD (sent to both), or the Docker config.
# --password-stdin cannot feed several tools.
#
# Example crontab line, nightly:
#   15 2 * * *  make -s -f /opt/reg/pipelines/mirror.mk SRC=registry.example DST=mirror.example SELECT="--repo 'team/**'" PRUNE=1 >> /var/log/mirror.ndjson

SRC ?=
DST ?=
SELECT ?=
OPTIONS ?=
COPY_OPTIONS ?=
RM_OPTIONS ?=
PRUNE ?=
DRY_RUN ?=

SHELL := /bin/bash
.SHELLFLAGS := -uc
.ONESHELL:
here := $(dir $(abspath $(lastword $(MAKEFILE_LIST))))
yes = $(filter 1 yes true,$(1))
dry_run := $(if $(call yes,$(DRY_RUN)),--dry-run)

.PHONY: mirror prune
.DEFAULT_GOAL := mirror

# `make prune` is `make PRUNE=1`: the variable reaches mirror, which does the work.
prune: PRUNE := 1
prune: mirror

mirror:
	@. '$(here)lib/options.sh'
	add_reg_tools_to_path reg-copy
	if [ -z '$(SRC)' ] || [ -z '$(DST)' ]; then
	  echo 'mirror.mk: set SRC and DST, e.g. make -f pipelines/mirror.mk SRC=registry.example DST=mirror.example' >&2
	  exit 2
	fi
	case ' $(COPY_OPTIONS) ' in *' --prefix'* | *' --strip-prefix'* | *' --rename'*)
	  echo 'mirror.mk: COPY_OPTIONS: no renaming here: reg-diff compares repositories by name, so renamed copies never compare equal, and a prune would delete them' >&2
	  exit 2 ;;
	esac
	work=$$(mktemp -d)
	trap 'rm -rf "$$work"' EXIT

	# The selection, and how it differs from DST.
	reg-ls $(OPTIONS) $(SRC) | reg-tags $(OPTIONS) | reg-select $(SELECT) > "$$work/selection"
	listed=("$${PIPESTATUS[@]}")
	if [ "$${listed[*]}" != "0 0 0" ]; then
	  echo "mirror: $(SRC): stopped: listing failed (reg-ls, reg-tags, reg-select: $${listed[*]}; see above); nothing copied or deleted" >&2
	  exit 2
	fi
	reg-diff $(OPTIONS) $(DST) < "$$work/selection" > "$$work/diff"
	compared=$$?
	if [ "$$compared" -gt 1 ]; then
	  echo "mirror: $(SRC) -> $(DST): stopped: comparing failed (reg-diff: $$compared; see above); nothing copied or deleted" >&2
	  exit 2
	fi

	# Copy what differs.
	jq -c 'select(.diff != "extra" or $(if $(call yes,$(PRUNE)),false,true))' "$$work/diff" \
	  | reg-copy $(OPTIONS) $(dry_run) $(COPY_OPTIONS) $(DST) > "$$work/copied"
	copy=("$${PIPESTATUS[@]}")
	cat "$$work/copied"
	summary=$$(jq -rs 'group_by(if .error then "failed" else .status // .diff end) | map("\(length) \(if .[0].error then "failed" else .[0].status // .[0].diff end)") | join(", ")' "$$work/copied")
	echo "mirror: $(SRC) -> $(DST): $${summary:-nothing to copy}" >&2
	status=0
	[ "$${copy[*]}" = "0 0" ] || status=1

	$(if $(call yes,$(PRUNE)),,exit "$$status")
	# Prune: what only DST has, named at DST, repositories expanded to their tags there.
	jq -c 'select(.diff == "extra" and .error == null) | .registry = .target' "$$work/diff" \
	  | reg-tags $(OPTIONS) | reg-rm $(OPTIONS) $(dry_run) $(RM_OPTIONS) > "$$work/pruned"
	prune=("$${PIPESTATUS[@]}")
	cat "$$work/pruned"
	summary=$$(jq -rs 'group_by(if .error then "failed" else .status end) | map("\(length) \(if .[0].error then "failed" else .[0].status end)") | join(", ")' "$$work/pruned")
	echo "mirror: prune $(DST): $${summary:-nothing to prune}" >&2
	[ "$${prune[*]}" = "0 0 0" ] || status=1
	exit "$$status"
