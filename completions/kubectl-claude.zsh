#compdef kubectl-claude

autoload -U is-at-least

_kubectl-claude() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_kubectl-claude_commands" \
"*::: :->kubectl-claude" \
&& ret=0
    case $state in
    (kubectl-claude)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-command-$line[1]:"
        case $line[1] in
            (generate)
_arguments "${_arguments_options[@]}" : \
'-f+[Instructions file or directory, or - for stdin]:FILE|DIR|-:_files' \
'--filename=[Instructions file or directory, or - for stdin]:FILE|DIR|-:_files' \
'--write=[Write one file per object into DIR (atomically) instead of stdout]:DIR:_files' \
'--layout=[File layout for --write]:LAYOUT:((plain\:"One file per object\: \`<kind>-<name>.yaml\`"
flux\:"\`<ns>/<app>/ks.yaml\` (Flux Kustomization) + \`<ns>/<app>/app/\` (kustomization.yaml + objects)"
argocd\:"\`apps/<app>.yaml\` (ArgoCD Application) + \`manifests/<app>/\` (objects)"))' \
'--repo-url=[Git repository URL for the ArgoCD layout'\''s Application]:URL:_default' \
'*--allowed-kinds=[Only allow these kinds in the output (comma-separated; default from config)]:KINDS:_default' \
'--max-tokens=[Maximum output tokens for model providers]:N:_default' \
'--timeout=[Total deadline for a model call in seconds, retries included (default 60; 0\: no limit)]:SECONDS:_default' \
'*--set=[Set a parameter substituted into {{ name }} / {{ .Values.name }} (repeatable)]:KEY=VALUE:_default' \
'--provider=[The model provider (default\: \$KCLAUDE_PROVIDER, the config, then anthropic when an API key is set, else offline; instructions may name one with \`provider\:\`)]:PROVIDER:((offline\:"The offline generator (no model, no network)"
anthropic\:"Claude, through Anthropic'\''s API"
openai\:"Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, …)"))' \
'--model=[Model id (default\: the instructions'\'' \`model\:\`, the config, else the provider'\''s own)]:MODEL:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'--strict[Fail (exit 5) when the offline generator did not understand a requirement]' \
'--lock[Write claudernetes.lock.yaml next to the instructions (commit it for reproducible renders)]' \
'--allow-secrets[(dangerous) Send instructions that look like they contain credentials]' \
'--no-cache[Bypass the cache and any lock; always generate]' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'::text -- Instructions as text (instead of -f):_default' \
&& ret=0
;;
(lint)
_arguments "${_arguments_options[@]}" : \
'-f+[Manifest file or directory (recursive), or - for stdin]:FILE|DIR|-:_files' \
'--filename=[Manifest file or directory (recursive), or - for stdin]:FILE|DIR|-:_files' \
'*--allowed-kinds=[Only allow these kinds (comma-separated; default from config)]:KINDS:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'--all[Also show info-level suggestions]' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(diff)
_arguments "${_arguments_options[@]}" : \
'*-f+[Manifests\: a file, a directory (recursive) or \`-\` for stdin (repeatable; default\: stdin when it is not a terminal)]:FILE|DIR|-:_files' \
'*--filename=[Manifests\: a file, a directory (recursive) or \`-\` for stdin (repeatable; default\: stdin when it is not a terminal)]:FILE|DIR|-:_files' \
'*--set=[Set a parameter substituted into {{ name }} / {{ .Values.name }} (repeatable)]:KEY=VALUE:_default' \
'--provider=[The model provider (default\: \$KCLAUDE_PROVIDER, the config, then anthropic when an API key is set, else offline; instructions may name one with \`provider\:\`)]:PROVIDER:((offline\:"The offline generator (no model, no network)"
anthropic\:"Claude, through Anthropic'\''s API"
openai\:"Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, …)"))' \
'--model=[Model id (default\: the instructions'\'' \`model\:\`, the config, else the provider'\''s own)]:MODEL:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'--server-side[Diff against the server-side apply dry run, as \`kubectl diff\` does]' \
'--prune-preview[Also list live objects with the same app.kubernetes.io/instance (or name) label that the manifests no longer contain]' \
'--no-cache[Bypass the cache and any lock; always generate]' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(diagnose)
_arguments "${_arguments_options[@]}" : \
'*--recipe=[Run only these recipes (repeatable or comma-separated; default\: all that apply)]:ID:(flux argocd arc cert-manager external-secrets onepassword custom-resources webhooks workloads volumes jobs storage rbac hpa network netpol ingress nodes targetapp)' \
'--fail-on=[Exit 1 when a finding reaches this severity]:SEVERITY:(critical error warning info never)' \
'--provider=[The model provider (default\: \$KCLAUDE_PROVIDER, the config, then anthropic when an API key is set, else offline; instructions may name one with \`provider\:\`)]:PROVIDER:((offline\:"The offline generator (no model, no network)"
anthropic\:"Claude, through Anthropic'\''s API"
openai\:"Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, …)"))' \
'--model=[Model id (default\: the instructions'\'' \`model\:\`, the config, else the provider'\''s own)]:MODEL:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'--show-symptoms[List the symptoms under each root cause (table output)]' \
'--list[List the recipes and exit]' \
'--explain[Ask a model to explain the findings (--provider anthropic|openai and --model choose it; a compact, redacted summary is sent, never Secret data or secret-looking env values)]' \
'--mask-names[With --explain\: replace object names by reversible tokens in what is sent]' \
'--show-suppressed[Also list the findings silenced by an ignore file or a kubectl-claude.io/ignore annotation, with the reason (table output; -o json always has them under \`suppressed\`)]' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
'--limit=[How many problems and recommendations to show]:LIMIT:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(act)
_arguments "${_arguments_options[@]}" : \
'--replicas=[scale\: the replica count]:N:_default' \
'--type=[patch\: how the patch is interpreted]:TYPE:(strategic merge json)' \
'-p+[patch\: the patch body (JSON or YAML)]:PATCH:_default' \
'--patch=[patch\: the patch body (JSON or YAML)]:PATCH:_default' \
'-f+[apply\: the manifest file (\`-\` for stdin)]:FILE:_files' \
'--filename=[apply\: the manifest file (\`-\` for stdin)]:FILE:_files' \
'--to-revision=[rollout-undo\: the revision to go back to]:N:_default' \
'--history-id=[argo-rollback\: the history id]:ID:_default' \
'-c+[logs, exec\: the container]:NAME:_default' \
'--container=[logs, exec\: the container]:NAME:_default' \
'--label=[label-node\: KEY=VALUE]:KEY=VALUE:_default' \
'--taint=[taint-node\: KEY=VALUE\:EFFECT]:TAINT:_default' \
'--grace-period=[restart-pod\: seconds the pod gets to stop (like \`kubectl delete --grace-period\`)]:SECONDS:_default' \
'--reason=[Why (recorded in the audit log and shown in the prompt)]:TEXT:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'--with-source[reconcile\: also reconcile the Flux source first]' \
'--reset[reconcile\: reset the HelmRelease failure counters]' \
'--force[reconcile\: force a one-off HelmRelease upgrade]' \
'--previous[logs\: the previous instance]' \
'-y[(dangerous) Approve confirm-tier actions without asking; forbidden actions stay refused]' \
'--yes[(dangerous) Approve confirm-tier actions without asking; forbidden actions stay refused]' \
'--dry-run[Show what would run and the exact change; change nothing]' \
'(--suggest-only)--read-only[Refuse everything that is not safe (reads only)]' \
'--suggest-only[Print the changes as patches to commit to Git, with the manual commands; change nothing]' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
':verb -- The verb:(get describe logs list top diff patch scale rollout-restart rollout-undo argo-rollback apply delete reconcile suspend resume argo-sync argo-refresh argo-terminate-op remove-finalizers restart-pod exec drain cordon uncordon delete-node label-node taint-node reset)' \
'::target -- KIND/NAME (kubectl short names work); a kind for `list`; none for `apply -f`:_default' \
'*::command -- exec\: the command to run in the pod, after `--`:_default' \
&& ret=0
;;
(fix)
_arguments "${_arguments_options[@]}" : \
'*--recipe=[Run only these recipes (repeatable or comma-separated; default\: all that apply)]:ID:(flux argocd arc cert-manager external-secrets onepassword custom-resources webhooks workloads volumes jobs storage rbac hpa network netpol ingress nodes targetapp)' \
'--fail-on=[Act on root causes at or above this severity]:SEVERITY:(critical error warning info never)' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-y[(dangerous) Approve confirm-tier actions without asking; forbidden actions stay refused]' \
'--yes[(dangerous) Approve confirm-tier actions without asking; forbidden actions stay refused]' \
'--dry-run[Show what would run and the exact change; change nothing]' \
'(--suggest-only)--read-only[Refuse everything that is not safe (reads only)]' \
'--suggest-only[Print the changes as patches to commit to Git, with the manual commands; change nothing]' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(audit)
_arguments "${_arguments_options[@]}" : \
'--since=[Only attempts at or after this time\: a date (YYYY-MM-DD), an RFC 3339 time, or a duration back from now (30m, 24h, 7d)]:DATE|DURATION:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(workflow)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_kubectl-claude__subcmd__workflow_commands" \
"*::: :->workflow" \
&& ret=0

    case $state in
    (workflow)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-workflow-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
':name -- The workflow name:_default' \
&& ret=0
;;
(run)
_arguments "${_arguments_options[@]}" : \
'*--param=[A parameter (repeatable)]:KEY=VALUE:_default' \
'--queue-approvals=[Queue confirm-tier changes as ApprovalRequest objects in NAMESPACE instead of asking (what \`serve\` runs); approve them with \`kubectl claude approvals approve ID\`]:NAMESPACE:_default' \
'--observe=[Append what the run did (actions by tier and outcome, model calls and tokens) as JSON lines to FILE; \`serve\` reads it back for its metrics]:FILE:_files' \
'--started-by=[Record in the audit log that USER started this run (serve and the dashboard pass the signed-in user)]:USER:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-y[(dangerous) Approve confirm-tier actions without asking; forbidden actions stay refused]' \
'--yes[(dangerous) Approve confirm-tier actions without asking; forbidden actions stay refused]' \
'--dry-run[Show what would run and the exact change; change nothing]' \
'(--suggest-only)--read-only[Refuse everything that is not safe (reads only)]' \
'--suggest-only[Print the changes as patches to commit to Git, with the manual commands; change nothing]' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
':name -- The workflow name:_default' \
&& ret=0
;;
(validate)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
':file -- The workflow file:_files' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-claude__subcmd__workflow__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-workflow-help-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(run)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(validate)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(upgrades)
_arguments "${_arguments_options[@]}" : \
'(--live)-f+[The Flux repository to walk]:REPO_DIR:_files' \
'(--live)--filename=[The Flux repository to walk]:REPO_DIR:_files' \
'--app=[Only this HelmRelease (by name)]:NAME:_default' \
'--to=[Target\: the newest patch (default), minor or major, or an exact version]:patch|minor|major|X.Y.Z:_default' \
'--credentials=[Secret manifests (plain, e.g. \`sops -d\` output) with credentials for sources whose spec.secretRef names them; read only when given, never shown]:FILE|DIR:_files' \
'--timeout=[Network timeout per request, in seconds (0\: no limit)]:SECONDS:_default' \
'--provider=[The model provider (default\: \$KCLAUDE_PROVIDER, the config, then anthropic when an API key is set, else offline; instructions may name one with \`provider\:\`)]:PROVIDER:((offline\:"The offline generator (no model, no network)"
anthropic\:"Claude, through Anthropic'\''s API"
openai\:"Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, …)"))' \
'--model=[Model id (default\: the instructions'\'' \`model\:\`, the config, else the provider'\''s own)]:MODEL:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'--pre[Consider pre-release versions]' \
'(--live)--write[Apply the edits to the files in place (never for breaking upgrades)]' \
'--live[Read HelmReleases and their sources from the cluster (or --snapshot) instead of files]' \
'--explain[Ask a model for a short review of the upgrades (--provider anthropic|openai and --model choose it; versions, changelogs, key paths and impact are sent, never the release'\''s values)]' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(serve)
_arguments "${_arguments_options[@]}" : \
'--listen=[Address to serve HTTP on (hooks, /metrics, /healthz, /readyz, /api/findings)]:ADDR:_default' \
'--hook-token-file=[File holding the bearer token the hooks require (a mounted Secret); hooks are off without it]:FILE:_files' \
'--max-body=[Largest hook request body, in bytes]:BYTES:_default' \
'--hook-rate=[Hook requests allowed per second (burst of twice that)]:N:_default' \
'--debounce=[Quiet time after a change before diagnosis re-runs]:DURATION:_default' \
'*--notify-slack=[Slack incoming-webhook URL to notify (repeatable)]:URL:_default' \
'*--notify-webhook=[Generic JSON webhook URL to notify (repeatable)]:URL:_default' \
'--external-url=[The URL users reach this serve at (an Ingress); approval messages link to URL/ui/pending/NS/ID]:URL:_default' \
'--quiet-period=[A root cause is not announced again within this long]:DURATION:_default' \
'--lease-namespace=[Namespace of the leader Lease (default\: the context'\''s namespace)]:NS:_default' \
'--lease-name=[Name of the leader Lease]:NAME:_default' \
'--identity=[This replica'\''s identity in the Lease (default\: \$POD_NAME, else \$HOSTNAME)]:ID:_default' \
'--lease-duration=[How long a Lease holds without renewal]:DURATION:_default' \
'--renew-every=[How often the leader renews (and followers retry)]:DURATION:_default' \
'--targetapp-poll-rate=[GraphQL polls per second per TargetApp (token bucket, burst of twice that)]:N:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(approvals)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
":: :_kubectl-claude__subcmd__approvals_commands" \
"*::: :->approvals" \
&& ret=0

    case $state in
    (approvals)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-approvals-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
':id:_default' \
&& ret=0
;;
(approve)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
':id:_default' \
&& ret=0
;;
(reject)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
':id:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-claude__subcmd__approvals__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-approvals-help-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(approve)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(reject)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(dashboard)
_arguments "${_arguments_options[@]}" : \
'--port=[Port on 127.0.0.1 (0 picks a free one)]:PORT:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'--no-browser[Print the link instead of opening a browser (\$BROWSER, else xdg-open)]' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(targetapp)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
":: :_kubectl-claude__subcmd__targetapp_commands" \
"*::: :->targetapp" \
&& ret=0

    case $state in
    (targetapp)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-targetapp-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
':name:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-claude__subcmd__targetapp__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-targetapp-help-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(snapshot)
_arguments "${_arguments_options[@]}" : \
'*--kinds=[Only these kinds (kubectl names or short names, comma-separated; default\: all known)]:KIND,…:_default' \
'--log-lines=[Lines of log tail per failing container (0\: no logs)]:N:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(usage)
_arguments "${_arguments_options[@]}" : \
'--since=[Only days on or after this\: a date (2026-11-01), a time or a duration (24h, 7d)]:DATE|DURATION:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(config)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_kubectl-claude__subcmd__config_commands" \
"*::: :->config" \
&& ret=0

    case $state in
    (config)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-config-command-$line[1]:"
        case $line[1] in
            (view)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(path)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-claude__subcmd__config__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-config-help-command-$line[1]:"
        case $line[1] in
            (view)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(path)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(version)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(completion)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
':shell -- The shell:(bash zsh fish powershell)' \
&& ret=0
;;
(install)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_kubectl-claude__subcmd__install_commands" \
"*::: :->install" \
&& ret=0

    case $state in
    (install)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-install-command-$line[1]:"
        case $line[1] in
            (links)
_arguments "${_arguments_options[@]}" : \
'--dir=[Directory for kubectl_complete-claude and argocd-cmp-claude (default\: this binary'\''s directory)]:DIR:_files' \
'--flux-dir=[Directory for flux-claude (default\: \$FLUXCD_PLUGINS or ~/.fluxcd/plugins)]:DIR:_files' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'--no-flux[Do not install the Flux plugin link]' \
'--copy[Copy the binary instead of symlinking (for filesystems without symlinks)]' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help]' \
'--help[Print help]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-claude__subcmd__install__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-install-help-command-$line[1]:"
        case $line[1] in
            (links)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(mcp)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, else ~/.kube/config)]:FILE:_files' \
'--context=[The name of the kubeconfig context to use]:NAME:_default' \
'-n+[The namespace scope for this request]:NS:_default' \
'--namespace=[The namespace scope for this request]:NS:_default' \
'-o+[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--output=[Output format\: table, json or yaml (snapshot\: the output directory)]:FORMAT:_default' \
'--snapshot=[Read cluster state from a snapshot directory instead of a live cluster (read-only commands)]:DIR:_files' \
'--config=[Config file (default\: ~/.config/kubectl-claude/config.yaml)]:FILE:_files' \
'--request-timeout=[The longest one API request may take, retries included (0\: no limit; default 30s)]:DURATION:_default' \
'--read-only[List and serve only safe (read) tools]' \
'-A[Work across all namespaces]' \
'--all-namespaces[Work across all namespaces]' \
'-q[Print only data and errors]' \
'--quiet[Print only data and errors]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-claude__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-help-command-$line[1]:"
        case $line[1] in
            (generate)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(lint)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(diff)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(diagnose)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(act)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(fix)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(audit)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(workflow)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-claude__subcmd__help__subcmd__workflow_commands" \
"*::: :->workflow" \
&& ret=0

    case $state in
    (workflow)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-help-workflow-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(run)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(validate)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(upgrades)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(serve)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(approvals)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-claude__subcmd__help__subcmd__approvals_commands" \
"*::: :->approvals" \
&& ret=0

    case $state in
    (approvals)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-help-approvals-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(approve)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(reject)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(dashboard)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(targetapp)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-claude__subcmd__help__subcmd__targetapp_commands" \
"*::: :->targetapp" \
&& ret=0

    case $state in
    (targetapp)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-help-targetapp-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(snapshot)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(usage)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(config)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-claude__subcmd__help__subcmd__config_commands" \
"*::: :->config" \
&& ret=0

    case $state in
    (config)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-help-config-command-$line[1]:"
        case $line[1] in
            (view)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(path)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(version)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(completion)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(install)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-claude__subcmd__help__subcmd__install_commands" \
"*::: :->install" \
&& ret=0

    case $state in
    (install)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-claude-help-install-command-$line[1]:"
        case $line[1] in
            (links)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(mcp)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_kubectl-claude_commands] )) ||
_kubectl-claude_commands() {
    local commands; commands=(
'generate:Generate Kubernetes manifests from natural-language instructions' \
'lint:Validate and lint manifests against house conventions and deny rules' \
'diff:Show how manifests differ from the live cluster' \
'diagnose:Diagnose a cluster top-down and group findings by root cause' \
'status:Show a quick health overview\: nodes, active problems, Flux and Argo CD sync, recommendations' \
'act:Run one action on the cluster through the autonomy gate' \
'fix:Diagnose, then propose each root cause'\''s fix through the autonomy gate' \
'audit:Show the action audit log\: every decision and outcome of the autonomy gate' \
'workflow:List, show, validate and run workflows (built-in and your own)' \
'upgrades:Find chart upgrades for HelmReleases, judge their impact, and write the exact change' \
'serve:Run the in-cluster agent\: watches, findings, alert and Flux hooks, leader election' \
'approvals:List, show, approve or reject the changes \`serve\` queued for approval' \
'dashboard:Open the dashboard (Status, Pending, History, Workflows) locally with your kubeconfig' \
'targetapp:List TargetApps or show one'\''s status (the operator inside \`kubectl claude serve\`)' \
'snapshot:Capture cluster state into a directory for offline diagnosis' \
'usage:Show model usage (tokens, calls, cache hits) by day, model and app' \
'config:Show the effective configuration' \
'version:Print version information' \
'completion:Print a shell completion script' \
'install:Install the other names of this binary (completion, ArgoCD CMP, Flux plugin)' \
'mcp:Serve the cluster tools to an MCP client (Claude Code, Claude Desktop, Cursor…) over stdio' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-claude commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__act_commands] )) ||
_kubectl-claude__subcmd__act_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude act commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__approvals_commands] )) ||
_kubectl-claude__subcmd__approvals_commands() {
    local commands; commands=(
'list:List the requests (newest last)' \
'show:Show one request\: target, rationale, origin, expiry and the exact diff' \
'approve:Approve a pending request (serve executes it once)' \
'reject:Reject a pending request' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-claude approvals commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__approvals__subcmd__approve_commands] )) ||
_kubectl-claude__subcmd__approvals__subcmd__approve_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude approvals approve commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__approvals__subcmd__help_commands] )) ||
_kubectl-claude__subcmd__approvals__subcmd__help_commands() {
    local commands; commands=(
'list:List the requests (newest last)' \
'show:Show one request\: target, rationale, origin, expiry and the exact diff' \
'approve:Approve a pending request (serve executes it once)' \
'reject:Reject a pending request' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-claude approvals help commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__approvals__subcmd__help__subcmd__approve_commands] )) ||
_kubectl-claude__subcmd__approvals__subcmd__help__subcmd__approve_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude approvals help approve commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__approvals__subcmd__help__subcmd__help_commands] )) ||
_kubectl-claude__subcmd__approvals__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude approvals help help commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__approvals__subcmd__help__subcmd__list_commands] )) ||
_kubectl-claude__subcmd__approvals__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude approvals help list commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__approvals__subcmd__help__subcmd__reject_commands] )) ||
_kubectl-claude__subcmd__approvals__subcmd__help__subcmd__reject_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude approvals help reject commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__approvals__subcmd__help__subcmd__show_commands] )) ||
_kubectl-claude__subcmd__approvals__subcmd__help__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude approvals help show commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__approvals__subcmd__list_commands] )) ||
_kubectl-claude__subcmd__approvals__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude approvals list commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__approvals__subcmd__reject_commands] )) ||
_kubectl-claude__subcmd__approvals__subcmd__reject_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude approvals reject commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__approvals__subcmd__show_commands] )) ||
_kubectl-claude__subcmd__approvals__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude approvals show commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__audit_commands] )) ||
_kubectl-claude__subcmd__audit_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude audit commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__completion_commands] )) ||
_kubectl-claude__subcmd__completion_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude completion commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__config_commands] )) ||
_kubectl-claude__subcmd__config_commands() {
    local commands; commands=(
'view:Print the effective config (file + environment), secrets masked, with the autonomy tiers' \
'path:Print where the config, cache and state files live' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-claude config commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__config__subcmd__help_commands] )) ||
_kubectl-claude__subcmd__config__subcmd__help_commands() {
    local commands; commands=(
'view:Print the effective config (file + environment), secrets masked, with the autonomy tiers' \
'path:Print where the config, cache and state files live' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-claude config help commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__config__subcmd__help__subcmd__help_commands] )) ||
_kubectl-claude__subcmd__config__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude config help help commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__config__subcmd__help__subcmd__path_commands] )) ||
_kubectl-claude__subcmd__config__subcmd__help__subcmd__path_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude config help path commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__config__subcmd__help__subcmd__view_commands] )) ||
_kubectl-claude__subcmd__config__subcmd__help__subcmd__view_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude config help view commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__config__subcmd__path_commands] )) ||
_kubectl-claude__subcmd__config__subcmd__path_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude config path commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__config__subcmd__view_commands] )) ||
_kubectl-claude__subcmd__config__subcmd__view_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude config view commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__dashboard_commands] )) ||
_kubectl-claude__subcmd__dashboard_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude dashboard commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__diagnose_commands] )) ||
_kubectl-claude__subcmd__diagnose_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude diagnose commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__diff_commands] )) ||
_kubectl-claude__subcmd__diff_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude diff commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__fix_commands] )) ||
_kubectl-claude__subcmd__fix_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude fix commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__generate_commands] )) ||
_kubectl-claude__subcmd__generate_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude generate commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help_commands] )) ||
_kubectl-claude__subcmd__help_commands() {
    local commands; commands=(
'generate:Generate Kubernetes manifests from natural-language instructions' \
'lint:Validate and lint manifests against house conventions and deny rules' \
'diff:Show how manifests differ from the live cluster' \
'diagnose:Diagnose a cluster top-down and group findings by root cause' \
'status:Show a quick health overview\: nodes, active problems, Flux and Argo CD sync, recommendations' \
'act:Run one action on the cluster through the autonomy gate' \
'fix:Diagnose, then propose each root cause'\''s fix through the autonomy gate' \
'audit:Show the action audit log\: every decision and outcome of the autonomy gate' \
'workflow:List, show, validate and run workflows (built-in and your own)' \
'upgrades:Find chart upgrades for HelmReleases, judge their impact, and write the exact change' \
'serve:Run the in-cluster agent\: watches, findings, alert and Flux hooks, leader election' \
'approvals:List, show, approve or reject the changes \`serve\` queued for approval' \
'dashboard:Open the dashboard (Status, Pending, History, Workflows) locally with your kubeconfig' \
'targetapp:List TargetApps or show one'\''s status (the operator inside \`kubectl claude serve\`)' \
'snapshot:Capture cluster state into a directory for offline diagnosis' \
'usage:Show model usage (tokens, calls, cache hits) by day, model and app' \
'config:Show the effective configuration' \
'version:Print version information' \
'completion:Print a shell completion script' \
'install:Install the other names of this binary (completion, ArgoCD CMP, Flux plugin)' \
'mcp:Serve the cluster tools to an MCP client (Claude Code, Claude Desktop, Cursor…) over stdio' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-claude help commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__act_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__act_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help act commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__approvals_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__approvals_commands() {
    local commands; commands=(
'list:List the requests (newest last)' \
'show:Show one request\: target, rationale, origin, expiry and the exact diff' \
'approve:Approve a pending request (serve executes it once)' \
'reject:Reject a pending request' \
    )
    _describe -t commands 'kubectl-claude help approvals commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__approvals__subcmd__approve_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__approvals__subcmd__approve_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help approvals approve commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__approvals__subcmd__list_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__approvals__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help approvals list commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__approvals__subcmd__reject_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__approvals__subcmd__reject_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help approvals reject commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__approvals__subcmd__show_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__approvals__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help approvals show commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__audit_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__audit_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help audit commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__completion_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__completion_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help completion commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__config_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__config_commands() {
    local commands; commands=(
'view:Print the effective config (file + environment), secrets masked, with the autonomy tiers' \
'path:Print where the config, cache and state files live' \
    )
    _describe -t commands 'kubectl-claude help config commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__config__subcmd__path_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__config__subcmd__path_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help config path commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__config__subcmd__view_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__config__subcmd__view_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help config view commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__dashboard_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__dashboard_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help dashboard commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__diagnose_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__diagnose_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help diagnose commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__diff_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__diff_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help diff commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__fix_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__fix_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help fix commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__generate_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__generate_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help generate commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__help_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help help commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__install_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__install_commands() {
    local commands; commands=(
'links:Create kubectl_complete-claude, argocd-cmp-claude and flux-claude links' \
    )
    _describe -t commands 'kubectl-claude help install commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__install__subcmd__links_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__install__subcmd__links_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help install links commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__lint_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__lint_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help lint commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__mcp_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__mcp_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help mcp commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__serve_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__serve_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help serve commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__snapshot_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__snapshot_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help snapshot commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__status_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help status commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__targetapp_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__targetapp_commands() {
    local commands; commands=(
'list:List TargetApps with their phase, pods monitored, last poll and Ready reason' \
'status:Show one TargetApp'\''s status\: conditions, each pod'\''s last poll, the last state' \
    )
    _describe -t commands 'kubectl-claude help targetapp commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__targetapp__subcmd__list_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__targetapp__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help targetapp list commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__targetapp__subcmd__status_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__targetapp__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help targetapp status commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__upgrades_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__upgrades_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help upgrades commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__usage_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__usage_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help usage commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__version_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__version_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help version commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__workflow_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__workflow_commands() {
    local commands; commands=(
'list:List the built-in and user workflows' \
'show:Print a workflow'\''s YAML' \
'run:Run a workflow' \
'validate:Check a workflow file; errors name the file and the step' \
    )
    _describe -t commands 'kubectl-claude help workflow commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__workflow__subcmd__list_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__workflow__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help workflow list commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__workflow__subcmd__run_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__workflow__subcmd__run_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help workflow run commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__workflow__subcmd__show_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__workflow__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help workflow show commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__help__subcmd__workflow__subcmd__validate_commands] )) ||
_kubectl-claude__subcmd__help__subcmd__workflow__subcmd__validate_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude help workflow validate commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__install_commands] )) ||
_kubectl-claude__subcmd__install_commands() {
    local commands; commands=(
'links:Create kubectl_complete-claude, argocd-cmp-claude and flux-claude links' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-claude install commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__install__subcmd__help_commands] )) ||
_kubectl-claude__subcmd__install__subcmd__help_commands() {
    local commands; commands=(
'links:Create kubectl_complete-claude, argocd-cmp-claude and flux-claude links' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-claude install help commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__install__subcmd__help__subcmd__help_commands] )) ||
_kubectl-claude__subcmd__install__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude install help help commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__install__subcmd__help__subcmd__links_commands] )) ||
_kubectl-claude__subcmd__install__subcmd__help__subcmd__links_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude install help links commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__install__subcmd__links_commands] )) ||
_kubectl-claude__subcmd__install__subcmd__links_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude install links commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__lint_commands] )) ||
_kubectl-claude__subcmd__lint_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude lint commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__mcp_commands] )) ||
_kubectl-claude__subcmd__mcp_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude mcp commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__serve_commands] )) ||
_kubectl-claude__subcmd__serve_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude serve commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__snapshot_commands] )) ||
_kubectl-claude__subcmd__snapshot_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude snapshot commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__status_commands] )) ||
_kubectl-claude__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude status commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__targetapp_commands] )) ||
_kubectl-claude__subcmd__targetapp_commands() {
    local commands; commands=(
'list:List TargetApps with their phase, pods monitored, last poll and Ready reason' \
'status:Show one TargetApp'\''s status\: conditions, each pod'\''s last poll, the last state' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-claude targetapp commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__targetapp__subcmd__help_commands] )) ||
_kubectl-claude__subcmd__targetapp__subcmd__help_commands() {
    local commands; commands=(
'list:List TargetApps with their phase, pods monitored, last poll and Ready reason' \
'status:Show one TargetApp'\''s status\: conditions, each pod'\''s last poll, the last state' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-claude targetapp help commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__targetapp__subcmd__help__subcmd__help_commands] )) ||
_kubectl-claude__subcmd__targetapp__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude targetapp help help commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__targetapp__subcmd__help__subcmd__list_commands] )) ||
_kubectl-claude__subcmd__targetapp__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude targetapp help list commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__targetapp__subcmd__help__subcmd__status_commands] )) ||
_kubectl-claude__subcmd__targetapp__subcmd__help__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude targetapp help status commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__targetapp__subcmd__list_commands] )) ||
_kubectl-claude__subcmd__targetapp__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude targetapp list commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__targetapp__subcmd__status_commands] )) ||
_kubectl-claude__subcmd__targetapp__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude targetapp status commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__upgrades_commands] )) ||
_kubectl-claude__subcmd__upgrades_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude upgrades commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__usage_commands] )) ||
_kubectl-claude__subcmd__usage_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude usage commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__version_commands] )) ||
_kubectl-claude__subcmd__version_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude version commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__workflow_commands] )) ||
_kubectl-claude__subcmd__workflow_commands() {
    local commands; commands=(
'list:List the built-in and user workflows' \
'show:Print a workflow'\''s YAML' \
'run:Run a workflow' \
'validate:Check a workflow file; errors name the file and the step' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-claude workflow commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__workflow__subcmd__help_commands] )) ||
_kubectl-claude__subcmd__workflow__subcmd__help_commands() {
    local commands; commands=(
'list:List the built-in and user workflows' \
'show:Print a workflow'\''s YAML' \
'run:Run a workflow' \
'validate:Check a workflow file; errors name the file and the step' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-claude workflow help commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__workflow__subcmd__help__subcmd__help_commands] )) ||
_kubectl-claude__subcmd__workflow__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude workflow help help commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__workflow__subcmd__help__subcmd__list_commands] )) ||
_kubectl-claude__subcmd__workflow__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude workflow help list commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__workflow__subcmd__help__subcmd__run_commands] )) ||
_kubectl-claude__subcmd__workflow__subcmd__help__subcmd__run_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude workflow help run commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__workflow__subcmd__help__subcmd__show_commands] )) ||
_kubectl-claude__subcmd__workflow__subcmd__help__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude workflow help show commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__workflow__subcmd__help__subcmd__validate_commands] )) ||
_kubectl-claude__subcmd__workflow__subcmd__help__subcmd__validate_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude workflow help validate commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__workflow__subcmd__list_commands] )) ||
_kubectl-claude__subcmd__workflow__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude workflow list commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__workflow__subcmd__run_commands] )) ||
_kubectl-claude__subcmd__workflow__subcmd__run_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude workflow run commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__workflow__subcmd__show_commands] )) ||
_kubectl-claude__subcmd__workflow__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude workflow show commands' commands "$@"
}
(( $+functions[_kubectl-claude__subcmd__workflow__subcmd__validate_commands] )) ||
_kubectl-claude__subcmd__workflow__subcmd__validate_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-claude workflow validate commands' commands "$@"
}

if [ "$funcstack[1]" = "_kubectl-claude" ]; then
    _kubectl-claude "$@"
else
    compdef _kubectl-claude kubectl-claude
fi
