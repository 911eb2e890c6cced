# Shared by scripts/ner_variants.sh and scripts/ner_open_labels.sh (sourced):
# one final training step of the shipped recipe, and a run's scores. The
# caller sets W, W16 (../shared's WNUT folders), bin, runs (where runs are
# kept), silver (the chain's silver labels), opts (train_default_model.sh
# --options) and out (a scratch folder).

# ner_train NAME SEED extra...: trains $runs/NAME unless it has a train log
ner_train() {
  local name=$1 seed=$2
  shift 2
  [ -f "$runs/$name/train_log.json" ] && return 0
  # shellcheck disable=SC2086
  nice -n 10 $bin train-ner --train "$W/train.conll" --dev "$W/dev.conll" --dev2 "$W16/test.conll" \
    --dev2-map wnut16 --silver "$silver" --partial ../shared/data/btc/train.conll \
    --partial-scheme btc-org --kb data/kb/default.vcdkb --tune-span-confidence \
    --out "$runs/$name" $opts --seed "$seed" --quiet "$@" >/dev/null
}

ner_f1() { awk '$1 == "overall" {printf "%.2f", $4}' "$1"; }
ner_recall() { awk -v t="$2" '$1 == t {printf "%.2f", $3}' "$1"; }

# ner_scores MODEL: "dev w16 w15 dev-product dev-work w16-product w16-work"
# (F1 on WNUT 2017 dev, WNUT 2016 test and dev2015, mapped; then product and
# creative-work recall on the first two), the model scored as saved
ner_scores() {
  local set k gold map
  for set in dev:"$W/dev.conll": w16:"$W16/test.conll":wnut16 w15:"$W16/dev2015.conll":wnut16; do
    IFS=: read -r k gold map <<<"$set"
    $bin ner --model "$1" --input "$gold" --out "$out/$k.pred"
    $bin eval ner --gold "$gold" ${map:+--gold-map "$map"} --pred "$out/$k.pred" >"$out/$k"
  done
  echo "$(ner_f1 "$out/dev") $(ner_f1 "$out/w16") $(ner_f1 "$out/w15")" \
    "$(ner_recall "$out/dev" product) $(ner_recall "$out/dev" creative-work)" \
    "$(ner_recall "$out/w16" product) $(ner_recall "$out/w16" creative-work)"
}
