# ruff: noqa: E501 - one sample sentence a line reads better than strings cut in pieces
"""Compare language detectors on short news sentences: accuracy, load time, time per text, memory.

    .venv/bin/python bench/language_detectors.py            # py3langid (the one the desk uses)
    .venv/bin/python bench/language_detectors.py lingua     # lingua-language-detector, if installed

lingua is not a dependency; to compare, install it somewhere else, e.g.
`pip install --target /tmp/lingua lingua-language-detector==2.1.1` and set PYTHONPATH=/tmp/lingua.
Each run is a fresh process, so the load time and peak memory are the detector's own.
"""

import resource
import sys
import time

# Written for this comparison, in a news-desk register: a headline, a figure, a long sentence.
SAMPLES = {
    "en": [
        "The minister said unemployment fell to 5 percent last year.",
        "Police arrested three men after the protest on Sunday.",
        "Prices rose sharply.",
        "The report, published on Tuesday by the central bank, found that inflation had doubled since 2021 and that households were spending more on food.",
        "North Korea sent artillery shells to Russia, officials said.",
        "Turnout was 62%.",
        "The mayor denied the claim in a statement to reporters.",
        "Scientists warned that the river could flood again this winter.",
    ],
    "es": [
        "El ministro dijo que el desempleo bajó al 5 por ciento el año pasado.",
        "La policía detuvo a tres hombres tras la protesta del domingo.",
        "Los precios subieron mucho.",
        "El informe, publicado el martes por el banco central, concluye que la inflación se duplicó desde 2021 y que los hogares gastan más en comida.",
        "Corea del Norte envió proyectiles de artillería a Rusia, según funcionarios.",
        "La participación fue del 62%.",
        "El alcalde negó la afirmación en un comunicado a la prensa.",
        "Los científicos advirtieron que el río podría desbordarse otra vez este invierno.",
    ],
    "fr": [
        "Le ministre a déclaré que le chômage était tombé à 5 % l'an dernier.",
        "La police a arrêté trois hommes après la manifestation de dimanche.",
        "Les prix ont fortement augmenté.",
        "Le rapport, publié mardi par la banque centrale, constate que l'inflation a doublé depuis 2021 et que les ménages dépensent davantage pour se nourrir.",
        "La Corée du Nord a envoyé des obus d'artillerie à la Russie, selon des responsables.",
        "La participation a été de 62 %.",
        "Le maire a démenti cette affirmation dans un communiqué.",
        "Les scientifiques ont averti que le fleuve pourrait de nouveau déborder cet hiver.",
    ],
    "de": [
        "Der Minister sagte, die Arbeitslosigkeit sei im vergangenen Jahr auf 5 Prozent gesunken.",
        "Die Polizei nahm nach der Demonstration am Sonntag drei Männer fest.",
        "Die Preise stiegen stark.",
        "Der am Dienstag von der Zentralbank veröffentlichte Bericht stellt fest, dass sich die Inflation seit 2021 verdoppelt hat und Haushalte mehr für Lebensmittel ausgeben.",
        "Nordkorea hat laut Behördenvertretern Artilleriegranaten nach Russland geschickt.",
        "Die Wahlbeteiligung lag bei 62 %.",
        "Der Bürgermeister wies die Behauptung in einer Erklärung zurück.",
        "Wissenschaftler warnten, dass der Fluss diesen Winter erneut über die Ufer treten könnte.",
    ],
    "pt": [
        "O ministro disse que o desemprego caiu para 5 por cento no ano passado.",
        "A polícia prendeu três homens depois do protesto de domingo.",
        "Os preços subiram muito.",
        "O relatório, publicado na terça-feira pelo banco central, conclui que a inflação dobrou desde 2021 e que as famílias gastam mais com comida.",
        "A Coreia do Norte enviou projéteis de artilharia para a Rússia, segundo autoridades.",
        "O comparecimento foi de 62%.",
        "O prefeito negou a afirmação em nota à imprensa.",
        "Cientistas alertaram que o rio pode transbordar de novo neste inverno.",
    ],
    "ar": [
        "قال الوزير إن البطالة انخفضت إلى 5 في المئة العام الماضي.",
        "اعتقلت الشرطة ثلاثة رجال بعد الاحتجاج يوم الأحد.",
        "ارتفعت الأسعار بشدة.",
        "وجد التقرير الذي نشره البنك المركزي يوم الثلاثاء أن التضخم تضاعف منذ عام 2021 وأن الأسر تنفق أكثر على الطعام.",
        "أرسلت كوريا الشمالية قذائف مدفعية إلى روسيا بحسب مسؤولين.",
        "بلغت نسبة المشاركة 62%.",
        "نفى رئيس البلدية هذا الادعاء في بيان للصحفيين.",
        "حذر العلماء من أن النهر قد يفيض مرة أخرى هذا الشتاء.",
    ],
}


def _py3langid():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return lambda text: identifier.classify(text)[0]


def _lingua():
    from lingua import LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_all_languages().build()

    def detect(text):
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else ""

    return detect


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "py3langid"
    started = time.perf_counter()
    detect = {"py3langid": _py3langid, "lingua": _lingua}[which]()
    detect("warm up")
    load = time.perf_counter() - started
    texts = [(language, text) for language, group in SAMPLES.items() for text in group]
    wrong = [(language, detect(text), text) for language, text in texts]
    wrong = [row for row in wrong if row[0] != row[1]]
    rounds = 20
    started = time.perf_counter()
    for _ in range(rounds):
        for _language, text in texts:
            detect(text)
    per_text = (time.perf_counter() - started) / (rounds * len(texts)) * 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{which}: {len(texts) - len(wrong)}/{len(texts)} right, load {load:.2f} s, "
        f"{per_text:.0f} µs a text, peak memory {peak:.0f} MB"
    )
    for language, got, text in wrong:
        print(f"  {language} read as {got}: {text}")


if __name__ == "__main__":
    main()
