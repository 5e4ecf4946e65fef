"""The mechanisms each insight kind relates to, explained in Flaremap's own words.

Each insight card links to one page here. The texts explain, they never diagnose; sources are
named so a clinician can follow them up.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mechanism:
    slug: str
    title: str
    lead: str  # one sentence for cards and the index
    paragraphs: tuple[str, ...]
    sources: tuple[str, ...] = ()


MECHANISMS: tuple[Mechanism, ...] = (
    Mechanism(
        slug="central-sensitization",
        title="Central sensitization",
        lead="When the nervous system turns up its pain volume, pain can spread and linger.",
        paragraphs=(
            "Pain is made by the nervous system, not only by the body part that hurts. After "
            "repeated or long-lasting pain, the spinal cord and brain can become more responsive: "
            "signals that used to be ignored get passed on, and real pain signals get amplified. "
            "This is called central sensitization.",
            "It can show up as pain spreading to new areas, pain lasting longer than expected, or "
            "ordinary touch becoming unpleasant. During migraine attacks, many people notice that "
            "combing their hair, wearing glasses or resting on a pillow hurts; this is called "
            "allodynia, and the ASC-12 questionnaire in Flaremap measures it.",
            "Sensitization is not imagined pain and it is not permanent damage. Sleep, stress, "
            "activity and treatment of frequent headaches all influence it, which is why a diary "
            "that tracks them side by side can be useful to you and your clinician.",
        ),
        sources=(
            "Woolf CJ. Central sensitization: implications for the diagnosis and treatment of "
            "pain. Pain 2011.",
            "Lipton RB et al. Cutaneous allodynia in the migraine population. Ann Neurol 2008.",
        ),
    ),
    Mechanism(
        slug="shared-pain-pathways",
        title="Shared pain pathways",
        lead="Headache and body pain travel through some of the same nerve circuits.",
        paragraphs=(
            "The nerves that carry pain from the head and face (the trigeminal system) meet pain "
            "signals from the neck and upper back in the same relay area at the top of the spinal "
            "cord. That is one reason neck pain and headache so often come together, and why a "
            "sensitive relay can make both worse at once.",
            "Higher up, the brain regions that weigh and filter pain are shared by all kinds of "
            "pain. When their filtering is strained, by frequent attacks, poor sleep or long "
            "stress, headache and body pain can flare together.",
            "Frequent use of acute headache medication can also keep these circuits sensitive. "
            "That is why the published thresholds for medication days exist; they are a reason to "
            "talk with a clinician, never to stop medication on your own.",
        ),
        sources=(
            "Bartsch T, Goadsby PJ. The trigeminocervical complex and migraine. Curr Pain "
            "Headache Rep 2003.",
            "Headache Classification Committee of the IHS. ICHD-3, 8.2 Medication-overuse "
            "headache. Cephalalgia 2018.",
        ),
    ),
    Mechanism(
        slug="familial-links",
        title="Familial links",
        lead="Migraine and widespread pain often run in families.",
        paragraphs=(
            "Migraine is strongly familial: close relatives of people with migraine are more "
            "likely to have it too, and twin studies put the inherited share at around 40 to 60 "
            "percent. Many genes each add a little; no single test predicts it.",
            "Widespread pain conditions such as fibromyalgia also cluster in families. Part of "
            "this is shared genes that shape how pain is processed, and part is shared "
            "surroundings and habits.",
            "A family history does not decide your future. It can help you and your clinician "
            "make sense of a pattern, and it is worth recording in your profile.",
        ),
        sources=(
            "Polderman TJ et al. Meta-analysis of the heritability of human traits. Nat Genet "
            "2015.",
            "Arnold LM et al. Family study of fibromyalgia. Arthritis Rheum 2004.",
        ),
    ),
    Mechanism(
        slug="inflammation",
        title="Inflammation",
        lead="Low-grade inflammation can make nerves more sensitive.",
        paragraphs=(
            "Inflammation is the body's repair and defence response. Some of its messenger "
            "molecules also make pain nerves more excitable. During migraine, nerves around blood "
            "vessels of the head release substances such as CGRP that add to this local, sterile "
            "inflammation; some newer migraine medicines block CGRP.",
            "How sleep and inflammation relate is less simple than often said. A large review "
            "of population studies (Irwin 2016) found disturbed sleep, and also sleeping much "
            "longer than usual, linked with higher inflammatory markers, but short sleep itself "
            "was not. A short night is therefore not shown to cause next-day pain through "
            "inflammation; the sleep insight is better explained by central sensitization.",
            "Inflammation from other conditions (for example joint disease) deserves its own "
            "assessment; a pain diary cannot tell these apart, but it can show your clinician "
            "when and how pain changes.",
        ),
        sources=(
            "Irwin MR et al. Sleep disturbance, sleep duration, and inflammation. Biol Psychiatry "
            "2016.",
            "Edvinsson L. The CGRP pathway in migraine as a viable target for therapies. "
            "Headache 2018.",
        ),
    ),
    Mechanism(
        slug="stress-and-mood",
        title="Stress and mood",
        lead="Stress and pain can feed each other in a loop.",
        paragraphs=(
            "Stress changes hormones, muscle tension, sleep and attention to the body, and all of "
            "these can raise pain. Pain, in turn, is stressful: it interrupts plans, sleep and "
            "mood. The two can set off a loop in which each keeps the other going.",
            "In large diary studies, each extra point of daily stress went with a slightly higher "
            "chance of a more severe headache day. The effects are modest and differ from person "
            "to person, which is why your own diary matters more than averages.",
            "Breaking the loop at either end can help: pacing, sleep routines, relaxation "
            "training and psychological therapies have evidence in headache and chronic pain, "
            "alongside medical treatment.",
        ),
        sources=(
            "Vives-Mestres M et al. Perceived stress and headache severity. Headache 2021.",
            "Houle TT et al. Stress and sleep duration predict headache severity in chronic "
            "headache sufferers. Pain 2012.",
        ),
    ),
    Mechanism(
        slug="let-down-effect",
        title="The let-down effect",
        lead="Attacks can start when stress suddenly eases, not only when it peaks.",
        paragraphs=(
            "Some people notice attacks right after a deadline or a stressful stretch ends. In a "
            "diary study, the chance of a migraine starting rose in the hours after stress fell "
            "from one evening to the next, even though the stress level itself was not linked "
            "to attacks.",
            "Why this happens is not known. One hypothesis is that stress hormones damp pain for "
            "a while and a sudden drop removes that brake. Days off also change sleep, meals and "
            "caffeine, which can bring on attacks by themselves, so a weekend pattern alone "
            "cannot show a let-down: Flaremap takes weekends and sleep into account before it "
            "calls a pattern a let-down, and even then it shows timing, not the cause.",
            "If your diary shows this pattern, a gentler wind-down (keeping sleep and meal times "
            "regular as pressure eases) is something to discuss with your clinician.",
        ),
        sources=(
            "Lipton RB et al. Reduction in perceived stress as a migraine trigger. Neurology "
            "2014;82:1395.",
        ),
    ),
    Mechanism(
        slug="overlapping-conditions",
        title="Overlapping conditions",
        lead="Migraine often travels with fibromyalgia, chronic fatigue and jaw pain (TMD).",
        paragraphs=(
            "Migraine, fibromyalgia, chronic fatigue syndrome, temporomandibular disorders (TMD, "
            "jaw and face pain) and irritable bowel syndrome occur together far more often than "
            "chance would predict. They share features such as sensitization, poor sleep and a "
            "strong link with stress.",
            "Widespread pain across many body regions, together with tiredness, unrefreshing "
            "sleep and trouble thinking, is the picture the 2016 fibromyalgia criteria describe. "
            "Flaremap's weekly count of painful areas and the Symptom Severity questionnaire "
            "follow the same structure, but they are not a diagnosis.",
            "Knowing that conditions overlap can make sense of symptoms that seem unrelated, and "
            "it helps a clinician choose treatments that address more than one at a time.",
        ),
        sources=(
            "Wolfe F et al. 2016 Revisions to the 2010/2011 fibromyalgia diagnostic criteria. "
            "Semin Arthritis Rheum 2016.",
            "Maixner W et al. Overlapping chronic pain conditions. J Pain 2016.",
        ),
    ),
    Mechanism(
        slug="hormones-and-migraine",
        title="Hormones and migraine",
        lead="The fall in oestrogen just before a period can set off migraine attacks.",
        paragraphs=(
            "In many women, migraine attacks cluster around the start of a period. The best "
            "supported explanation is the drop in oestrogen in the days before bleeding starts; "
            "prostaglandins released at that time may add to it. These attacks often last longer "
            "and respond less well to treatment than attacks at other times.",
            "Doctors count the days from two days before to three days after the first day of "
            "the period (ICHD-3 calls the first day of bleeding day 1, the day before day -1). "
            "When attacks start in that window in at least two of three cycles, the pattern is "
            "called menstrual migraine: pure when attacks come only then, menstrually related "
            "when they come at other times too. Many people remember more of a link than their "
            "diary shows, which is why it has to be recorded over at least three cycles.",
            "Knowing the pattern can help with planning: a clinician may suggest treatment "
            "started shortly before an expected period. Discuss it before changing anything.",
        ),
        sources=(
            "Headache Classification Committee of the IHS. ICHD-3, appendix A1.1 Menstrual "
            "migraine. Cephalalgia 2018.",
            "MacGregor EA. Menstrual migraine: therapeutic approaches. Ther Adv Neurol Disord "
            "2009.",
        ),
    ),
    Mechanism(
        slug="medication-overuse",
        title="Medication overuse headache",
        lead="Taking headache medicine on many days a month can itself keep headaches going.",
        paragraphs=(
            "Acute headache medicines (painkillers such as paracetamol, aspirin and ibuprofen, "
            "triptans, and others) work well when they are taken now and then. When they are "
            "taken on many days every month for more than three months, headaches can become "
            "more frequent. This is called medication overuse headache, and it is common in "
            "people who have headache on 15 or more days a month.",
            "The limits doctors use (ICHD-3 8.2) count days, not tablets: 10 or more days a month "
            "for triptans, ergots, opioids or combination painkillers, and also when different "
            "types add up to 10 days; 15 or more days a month for simple painkillers such as "
            "paracetamol, aspirin and ibuprofen, which count together as one type. Flaremap "
            "counts your medication days against these limits.",
            "Reaching a limit is a reason to talk with your doctor, not to stop on your own. "
            "Some medicines (especially opioids and some sleeping or anti-anxiety drugs) must not "
            "be stopped suddenly. Doctors usually treat overuse with a plan: a preventive "
            "treatment, a limit on acute medicine days, and support while the body adjusts. Most "
            "people improve within two months.",
            "Using medicine early in a real attack is still right. The aim is fewer medicine days, "
            "not suffering through attacks.",
        ),
        sources=(
            "Headache Classification Committee of the IHS. ICHD-3, 8.2 Medication-overuse "
            "headache. Cephalalgia 2018.",
            "Diener HC et al. Pathophysiology, prevention, and treatment of medication overuse "
            "headache. Lancet Neurol 2019.",
        ),
    ),
    Mechanism(
        slug="sleep-and-pain",
        title="Sleep and pain",
        lead="Short or broken sleep can make pain feel stronger the next day, and pain disturbs "
        "sleep.",
        paragraphs=(
            "In studies where healthy people were kept from sleeping well for a night or two, "
            "they felt pain more strongly the next day. Poor sleep seems to weaken the brain's "
            "own pain filters; this is one reason sleep and central sensitization are linked. "
            "Pain also wakes people and makes sleep lighter, so the two can feed each other.",
            "For migraine, both too little and too much sleep, and irregular times (such as "
            "sleeping in at weekends), are common triggers reported by patients. A steady "
            "rhythm tends to help more than any single rule.",
            "What helps many people: similar bed and wake times every day; getting up at the "
            "same time even after a bad night; a dark, quiet, cool room; no caffeine late in the "
            "day; and getting out of bed for a while when lying awake for long. Ongoing "
            "insomnia is treatable, and cognitive behavioural therapy for insomnia (CBT-I) works "
            "better than sleeping tablets in the long run.",
            "Loud snoring with pauses in breathing, or morning headaches that ease within hours "
            "of waking, are worth mentioning to your doctor: sleep apnoea can cause headache.",
            "Flaremap looks at whether nights you rate as poor are followed by more body pain in "
            "your own diary. Such a link, if found, is a pattern worth discussing, not proof "
            "that sleep is the cause.",
        ),
        sources=(
            "Finan PH, Goodin BR, Smith MT. The association of sleep and pain: an update and a "
            "path forward. J Pain 2013.",
            "Haack M et al. Sleep deficiency and chronic pain: potential underlying mechanisms "
            "and clinical implications. Neuropsychopharmacology 2020.",
            "Trauer JM et al. Cognitive behavioral therapy for chronic insomnia: a systematic "
            "review and meta-analysis. Ann Intern Med 2015.",
        ),
    ),
)
MECHANISM_BY_SLUG = {mechanism.slug: mechanism for mechanism in MECHANISMS}

# Each insight kind links to the mechanism it illustrates best, then a related one.
KIND_MECHANISMS = {
    "stress_headache": ("stress-and-mood", "let-down-effect"),
    "stress_letdown": ("let-down-effect", "stress-and-mood"),
    "sleep_pain": ("sleep-and-pain", "central-sensitization"),
    "pain_stress_feedback": ("stress-and-mood", "central-sensitization"),
    "pain_spread": ("central-sensitization", "overlapping-conditions"),
    "headache_frequency": ("shared-pain-pathways", "familial-links"),
    "medication_overuse": ("medication-overuse", "shared-pain-pathways"),
    "menstrual_migraine": ("hormones-and-migraine", "familial-links"),
    "triggers": ("stress-and-mood", "sleep-and-pain"),
}


def mechanisms_for(kind: str) -> tuple[Mechanism, ...]:
    """The main and the related mechanism of an insight kind."""
    slugs = KIND_MECHANISMS.get(kind, ("central-sensitization",))
    return tuple(MECHANISM_BY_SLUG[slug] for slug in slugs)
