/// The extractor's rules as data: tag tables, boilerplate class/id tokens, boilerplate phrases,
/// demo vocabulary and CMS rule packs. Every table is sorted; code elsewhere only looks up.
enum Rules {
    // MARK: Tags

    /// Elements removed with their content before anything else looks at the page.
    static let removedTags: Set<String> = [
        "applet", "audio", "button", "canvas", "datalist", "dialog", "embed", "fieldset", "frame", "frameset",
        "iframe", "input", "link", "map", "math", "menu", "meta", "nav", "noscript", "object", "optgroup", "option",
        "output", "param", "progress", "script", "select", "source", "style", "svg", "template", "textarea", "track",
        "video",
    ]

    /// Elements whose content never shows as text (removed before text is measured).
    static let invisibleTags: Set<String> = ["script", "style", "template"]

    /// Elements whose content flows inline: text runs are built across them.
    static let inlineTags: Set<String> = [
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del", "dfn", "em", "font", "i",
        "img", "ins", "kbd", "label", "mark", "nobr", "q", "rb", "rp", "rt", "ruby", "s", "samp", "small", "span",
        "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
    ]

    /// ARIA roles of page template regions.
    static let templateRoles: Set<String> = [
        "alert", "alertdialog", "banner", "complementary", "contentinfo", "dialog", "menu", "menubar", "navigation",
        "search", "tablist", "toolbar",
    ]

    // MARK: Class and id tokens

    /// Class/id tokens (split at every non-alphanumeric character, lower-cased) that mark the
    /// page template. A token *equal* to one of these matches.
    static let templateTokensExact: Set<String> = [
        "ad", "ads", "advert", "banner", "breadcrumb", "breadcrumbs", "consent", "cookie", "cookies", "crumbs",
        "footer", "masthead", "menu", "metanav", "nav", "navbar", "navigation", "offcanvas", "pager", "pagination",
        "sidebar", "sitemap", "skip", "skiplink", "skiplinks", "toolbar", "topbar",
    ]

    /// Class/id token *parts*: a token containing one of these matches (they are long and
    /// specific enough not to hit article containers).
    static let templateTokenParts: [String] = [
        "breadcrumb", "cookie", "gdpr", "mainnav", "megamenu", "navbar", "navigation", "offcanvas", "pagination",
        "sidebar", "skiplink", "subnav", "topnav",
    ]

    /// Class/id tokens of blocks inside the content area that are not the article: share bars,
    /// related news, teaser lists, sliders, galleries, print links, comments, newsletters.
    static let contentTokensExact: Set<String> = [
        "author", "backlink", "carousel", "comment", "comments", "gallery", "share", "sharing", "shariff", "slider",
        "social", "socials", "sponsored", "tags", "teaser", "teasers", "totop", "widget",
    ]

    /// Token parts for the content-level boilerplate.
    static let contentTokenParts: [String] = [
        "advert", "backlink", "caption", "carousel", "comment", "disclaimer", "disqus", "gallery", "metadata", "navfunctions",
        "newsletter", "outbrain", "postmeta", "promo", "recommend", "related", "shariff", "sharing", "slider",
        "sociallinks", "socialmedia", "subscribe", "taboola", "tagcloud", "teaser", "totop",
    ]

    /// Content tokens that are weak evidence on their own: German CMSs call an article's lead
    /// a "teaser", page builders wrap every text block in a "widget", and an article can be
    /// styled by its "author". An element matched only by these stays when its text reads as
    /// article text (`Cleaner.isReadingBlock`).
    static let weakContentTokens: Set<String> = ["author", "teaser", "widget"]

    /// Token parts of repeated items that are never the items of a listing of articles:
    /// comments, answers, forum posts and replies, slides of a slider or carousel.
    static let nonListingItemTokenParts: [String] = [
        "answer", "comment", "message", "postbit", "reply", "slide", "swiper",
    ]

    /// Class/id tokens that contain a content boilerplate part but name an article genre: an
    /// opinion piece styled "commentary" is the article, not a comment thread. The token rules
    /// and the container scoring skip them.
    static let articleGenreTokens: Set<String> = ["commentaries", "commentary"]

    /// Class tokens of page layout (grid rows and columns, wrappers): two siblings that share
    /// one are not for that the parts of one article (`ContentFinder.withParts`). Tokens with a
    /// digit ("col-md-8", "small-12") count as layout too.
    static let layoutClassTokens: Set<String> = [
        "cell", "clearfix", "col", "column", "columns", "container", "container-fluid", "flex", "grid", "inner",
        "row", "wrap", "wrapper",
    ]

    /// Class/id tokens (whole tokens) of an article's lead: an element so marked just before
    /// the content, missing from it, is put first (`LeadRecovery.markedLead`).
    static let leadClassTokens: Set<String> = ["dek", "intro", "lead", "leadtext", "standfirst", "summary"]

    /// Token parts that protect an element from the token rules (the article container itself).
    static let protectedTokenParts: [String] = [
        "articlebody", "article-body", "bodytext", "body-text", "entry-content", "main-content", "maincontent",
        "post-body", "post-content", "story-body", "teaser-text",
    ]

    // MARK: Phrases

    /// Whole-block texts (lower-cased, trimmed of punctuation) that are template, never article.
    static let boilerplatePhrases: Set<String> = [
        "advertisement", "alle meldungen", "alle pressemitteilungen", "anzeige", "artikel bewerten", "artikel drucken",
        "artikel teilen", "back", "back to top", "bild vergrößern", "categories", "comments are closed", "contents",
        "diese seite teilen", "diesen artikel teilen", "drucken", "drukuj", "facebook", "imprimer",
        "inhaltsverzeichnis", "instagram", "kategorien", "kommentare", "kommentare geschlossen", "kommentare schreiben",
        "kommentieren", "kontakt", "leave a comment", "leave a reply", "loading", "mehr", "mehr erfahren", "nach oben",
        "permalink", "pinnen", "print", "quellen ausblenden", "read more", "rezept drucken", "schreibe einen kommentar",
        "seite drucken", "seite teilen", "seitenanfang", "seitenbeginn", "share", "share this", "share this article",
        "sie sind hier", "skip to content", "skip to main content", "table of contents", "teilen", "to top", "top",
        "twitter", "view this post on instagram", "weiterlesen", "whatsapp", "zum seitenanfang", "zum seiteninhalt",
        "zur hauptnavigation", "zur startseite", "zurück", "zurück zur übersicht",
    ]

    /// Headings (phrase keys) that open a related-content, tag or author box after the
    /// article, in the languages of the sources: the heading and the short or link-heavy
    /// blocks under it are dropped. A prefix match counts ("mehr zum thema: energie").
    static let relatedSectionHeadings: [String] = [
        "à découvrir", "à lire aussi", "à lire également", "à propos de l'auteur", "about the author",
        "ähnliche artikel", "ähnliche beiträge", "ähnliche nachrichten", "aktuelle berichte aus dieser kategorie",
        "articles similaires", "artículos relacionados", "artikel und videos zum thema", "auch interessant",
        "audios et vidéos sur le sujet", "contenido relacionado", "czytaj także", "czytaj też",
        "das könnte dich auch interessieren", "das könnte sie auch interessieren",
        "das thema könnte dich auch interessieren", "dazu passend", "empfohlene beiträge", "explore further",
        "inne artykuły", "le puede interesar", "leggi anche", "les plus lus", "lesen sie auch", "lesen sie mehr",
        "lire aussi", "lo más leído", "lo más visto", "lue seuraavaksi", "más noticias", "mehr aus dem channel",
        "mehr interessantes", "mehr themen", "mehr zum thema", "meist gelesen", "meist-diskutiert", "meistgelesen",
        "more from", "more on this", "more stories", "more stories from", "most popular", "most read",
        "noch mehr infos", "notas relacionadas", "notícias relacionadas", "noticias relacionadas", "podobne artykuły",
        "read also", "read more", "recommended", "related articles", "related content", "related coverage",
        "related posts", "related stories", "related topics", "schlagworte", "schlagwörter", "schon gelesen",
        "see also", "sobre el autor", "tags", "también te puede interesar", "te puede interesar", "temas relacionados",
        "themen im artikel", "top themen", "top-themen", "über den autor", "über die autorin", "vea también",
        "veja também", "verwandte artikel", "verwandte beiträge", "vous aimerez aussi", "weitere artikel",
        "weitere beiträge", "weitere meldungen", "weitere nachrichten", "weitere themen",
        "weiterführende informationen", "weiterführende links", "you may also like", "you might also like",
        "zobacz także", "zobacz też", "zum thema", "zum weiterlesen",
    ]

    /// Prefixes (lower-case) of short blocks that credit an image or name a source, not text.
    static let creditPrefixes: [String] = [
        "abbildung:", "beitragsbild:", "bild:", "bildnachweis", "bildquelle:", "copyright", "credit:", "crédito:",
        "crédit photo", "fonte:", "foto:", "fotos:", "fuente:", "image:", "photo source:", "photo:", "photo credit",
        "picture:", "quelle:", "source:", "titelbild:", "źródło:", "©",
    ]

    /// Words (lower-case) that, followed by `:` or `©`, name an image's photographer or source:
    /// a short block whose tail holds one ("… am Ufer. Foto: A. Muster", "(Credit: Grist)")
    /// is an image caption, not article text. A `©` in the tail counts the same.
    static let creditTailWords: [String] = [
        "bild", "bildquelle", "credit", "credits", "crédit", "crédito", "crédits photos", "foto", "fotos", "image",
        "photo", "photos",
    ]

    /// Substrings (lower-case) that, in the tail of a short block, name a stock-photo agency or
    /// mark a symbolic picture: the block is an image caption ("… gut getarnt. (mlharing /
    /// iStock.com)", "Judy Eddy/WENN.com", "(Symbolbild)"). A `(c)` in the tail counts as `©`
    /// unless the block enumerates "(a) … (b) … (c)".
    static let creditTailMarkers: [String] = [
        "123rf", "adobe stock", "adobestock", "depositphotos", "dreamstime", "fotolia", "getty images", "gettyimages",
        "imago images", "istock", "pexels", "picture alliance", "picture-alliance", "pixabay", "shutterstock",
        "symbolbild", "symbolfoto", "unsplash", "wenn.com",
    ]

    /// A short block that holds a phrase of each of these two tables asks the reader to
    /// subscribe, follow or register ("Subscribe to our newsletter", "Síguenos en Telegram",
    /// "Bitte registrieren Sie sich und halten Sie sich an unsere Netiquette"): the site talking,
    /// not the article. Whole words, lower-case.
    static let callToActionVerbs: [String] = [
        "abonnez", "abonniere", "abonnieren", "folge uns", "folgen sie uns", "follow me", "follow us", "for the latest",
        "get the latest", "melde dich", "melden sie sich", "nos siga", "obserwuj nas", "registrieren sie sich",
        "segue-nos", "seguici", "siga-nos", "sign up", "signing up", "siguenos", "síguenos", "subscribe", "subscriber",
        "subscribers", "subscription", "suivez-nous", "suscribete", "suscríbete", "suscribirse", "unete", "únete",
    ]

    /// The channels of a call to action (see `callToActionVerbs`).
    static let callToActionChannels: [String] = [
        "android", "app", "apps", "facebook", "full story", "google play", "inbox", "instagram", "ios", "netiquette",
        "newsletter", "newsletters", "posteingang", "telegram", "twitter", "whatsapp", "youtube",
    ]

    /// Phrases (lower-case, whole words) of the site asking the reader to pay for, donate to
    /// or join it ("Unterstützen Sie diese Form des Journalismus", "would you consider
    /// supporting our work?", "Hazte miembro"): a short block holding one is not article text.
    static let appealPhrases: [String] = [
        "apóyanos", "become a member", "consider supporting", "donate now", "faites un don", "hazte miembro",
        "hazte socio", "help us continue", "jetzt spenden", "jetzt unterstützen", "soutenez-nous", "spenden sie",
        "support our journalism", "support our work", "supporting our work", "unterstütze uns", "unterstütze unsere",
        "unterstützen sie diese", "unterstützen sie uns", "unterstützen sie unsere", "we need your help",
        "werden sie mitglied", "wesprzyj nas",
    ]

    /// Substrings (lower-case) of rights notices and publisher disclaimers ("All rights
    /// reserved", "Les opinions … n'engagent que leurs auteurs"). A short block holding one is not
    /// article text, unless the phrase is quoted or in parentheses (an article about copyright
    /// that names the formula).
    static let rightsNotices: [String] = [
        "all rights reserved", "alle rechte vorbehalten", "copyrighted property", "die meinung des autors",
        "do not necessarily reflect", "does not necessarily reflect", "gibt die meinung des autors wieder",
        "n'engagent que", "not responsible for the opinions", "prawem autorskim", "todos los derechos reservados",
        "tous droits réservés", "tutti i diritti riservati", "wszelkie prawa zastrzeżone",
    ]

    /// Phrases (lower-case) that end a rights notice or disclaimer ("Alle Angaben ohne Gewähr",
    /// "may not be reproduced without permission") but are ordinary prose too ("he entered the
    /// building without permission"): they count as a notice only beside a word of
    /// `rightsNoticeCues` in the same short block.
    static let conditionalRightsNotices: [String] = [
        "nicht notwendigerweise die", "ohne gewähr", "sofern nicht anders", "unless otherwise noted",
        "unless otherwise stated", "without permission", "without written permission",
    ]

    /// Substrings (lower-case) that make a `conditionalRightsNotices` phrase a notice: the
    /// block speaks of rights, licences, reproduction, published details or the editors' view.
    static let rightsNoticeCues: [String] = [
        "©", "angaben", "cc by", "cc-by", "copyright", "creative commons", "licen", "lizenz", "meinung", "opinion",
        "redaktion", "reprint", "reproduc", "rechte", "rights",
    ]

    /// Substrings (lower-case) of advertising and affiliate disclosures ("Dieser Beitrag
    /// enthält Werbung", "This post contains affiliate links"). A block that starts with
    /// "Anzeige" or "Werbung" followed by a separator ("ANZEIGE - …", "*Werbung.") is one too.
    static let advertisingDisclosures: [String] = [
        "affiliate link", "affiliate-link", "affiliatelink", "bezahlte werbung", "contains affiliate", "enthält affiliate",
        "enthält werbung", "may earn a commission", "may receive compensation", "our advertisers", "sponsored content",
        "sponsored post", "unbezahlte werbung", "werbelink",
    ]

    /// Words that open an advertising label when a separator follows ("Anzeige -", "Werbung:").
    static let advertisingLabels: [String] = ["anzeige", "werbung"]

    /// Substrings (lower-case) of the site asking for a rating or a share of the page ("War der
    /// Artikel nützlich?", "Was this article helpful?", "(Noch keine Bewertungen)").
    static let feedbackPrompts: [String] = [
        "did you find this article", "fanden sie diesen artikel", "möchten sie den artikel teilen",
        "noch keine bewertungen", "rate this article", "war der artikel nützlich", "war dieser artikel hilfreich",
        "war dieser beitrag hilfreich", "was this article helpful", "was this helpful", "wie hilfreich war",
    ]

    /// Prefixes (lower-case) of links to the next or previous post ("Nächster Eintrag …",
    /// "Article suivant …", "Vorschau auf den nächsten Artikel"): blog navigation, not text.
    static let postNavigationPrefixes: [String] = [
        "älterer beitrag", "article précédent", "article suivant", "articolo precedente", "articolo successivo",
        "artículo anterior", "nachfolgebeitrag", "nächster artikel", "nächster beitrag", "nächster eintrag",
        "następny artykuł", "neuerer beitrag", "newer post", "next article", "next post", "older post",
        "poprzedni artykuł", "previous article", "previous post", "siguiente artículo", "vorgängerbeitrag",
        "vorheriger artikel", "vorheriger beitrag", "vorheriger eintrag", "voriger beitrag",
        "vorschau auf den nächsten artikel",
    ]

    /// Words (lower-case) of a reading-time line ("4 Min Read", "Lesezeit: 2 Minuten", "5 min de
    /// lectura"): a short block with a number, "min" and one of these is page metadata.
    static let readingTimeWords: [String] = ["lectura", "lecture", "lesedauer", "lesezeit", "read", "reading"]

    /// Substrings (lower-case) of paywall and login prompts: the site asking the reader to log
    /// in, subscribe or register before reading on. A short block holding one is not article text.
    static let accessPrompts: [String] = [
        "already a subscriber", "continue reading", "lesen sie weiter", "log in to", "nicht eingeloggt",
        "pour accéder", "pour lire la suite", "sie müssen sich einloggen", "sign in to",
    ]

    /// Words (lower-case) that may stand beside a date in a line that is only the page's date
    /// stamp ("Aktualisiert am 17.01.2021", "Publiziert: 03.04.2020, 12:35", "15. Mai 2019, 05:28 Uhr").
    static let dateLineLabels: Set<String> = [
        "aktualisiert", "am", "datum", "erstellt", "geändert", "last", "modified", "on", "posted", "publiziert",
        "published", "stand", "uhr", "updated", "veröffentlicht", "veröffentlichung", "zuletzt",
    ]

    /// Words (lower-case) that open a byline ("von Anja Muster am 14. Mai 2014", "By Evan Symon").
    static let bylineWords: Set<String> = ["by", "par", "por", "von"]

    /// Prefixes of dates that are page metadata rather than publication dates.
    static let footerDatePrefixes: [String] = [
        "aktualisiert", "last modified", "last updated", "letzte aktualisierung", "letzte änderung", "stand",
        "updated", "zuletzt aktualisiert",
    ]

    // MARK: Demo and placeholder content

    /// Lorem-ipsum vocabulary (Latin filler of both common variants).
    static let loremWords: Set<String> = [
        "accusam", "adipiscing", "aliqua", "aliquip", "aliquyam", "amet", "clita", "commodo", "consectetur",
        "consequat", "consetetur", "diam", "dolor", "dolore", "dolores", "duo", "eiusmod", "eirmod", "elit", "elitr",
        "erat", "exercitation", "gubergren", "incididunt", "invidunt", "ipsum", "justo", "kasd", "labore", "laboris",
        "lorem", "magna", "nisi", "nonumy", "nostrud", "rebum", "sadipscing", "sanctus", "sed", "stet", "takimata",
        "tempor", "ullamco", "veniam", "voluptua",
    ]

    /// Substrings (lower-case) that mark placeholder text in any language.
    static let placeholderMarkers: [String] = [
        "blindtext", "dummy text", "dummytext", "far far away, behind the word mountains", "franz jagt im komplett",
        "hinter den wortbergen", "lorem ipsum", "placeholder text", "platzhalter", "quick brown fox jumps",
        "zwölf boxkämpfer jagen",
    ]

    /// Substrings (lower-case) of CMS render errors and framework exception lines.
    static let cmsErrorMarkers: [String] = [
        "an error occurred while", "content element with uid", "could not analyse class", "extbase\\",
        "has no rendering definition", "oops, an error occurred", "typo3fluid\\", "uncaught typo3 exception",
    ]

    /// Style-guide section headings: sample headings that name their own markup instead of a
    /// topic. Matched against the phrase key (lower-case, outer punctuation trimmed).
    static let styleguideHeadingExact: Set<String> = ["accordion", "akkordeon", "headline", "linkliste", "teasertypen"]

    /// Prefixes of style-guide headings.
    static let styleguideHeadingPrefixes: [String] = [
        "akkordeon", "blauer kasten", "blauer text", "content-slider", "contentslider", "dies ist ein beispiel",
        "dies ist ein teaser", "dies ist ein text", "dies ist eine headline", "dies ist eine überschrift",
        "eine dritte überschrift", "eine zweite überschrift", "grauer text", "mit unterüberschrift",
        "noch eine überschrift", "schwarzer text", "slider im content", "teaser typ", "teasertyp",
        "text mit bild über die gesamte breite", "text über die gesamte breite", "und noch eine überschrift",
        "vollbreit-slider", "weißer text",
    ]

    /// Substrings of style-guide headings.
    static let styleguideHeadingParts: [String] = [
        "(headline h", "(überschrift h", "beispiel standardelemente", "beispieltext", "spalter mit",
    ]

    // MARK: URLs

    /// Query parameters that track, not identify (removed from canonical URLs), sorted.
    static let trackingParameters: Set<String> = [
        "_ga", "_hsenc", "_hsmi", "dclid", "fbclid", "gclid", "igshid", "mc_cid", "mc_eid", "mkt_tok", "msclkid",
        "oly_anon_id", "oly_enc_id", "pk_campaign", "pk_kwd", "pk_source", "ref_src", "rss", "wt_mc", "wt_zmc",
        "yclid",
    ]

    /// Path extensions of files that are downloads, not articles.
    static let fileExtensions: Set<String> = [
        "7z", "avi", "bmp", "csv", "doc", "docx", "epub", "gif", "gz", "ics", "jpeg", "jpg", "mov", "mp3", "mp4",
        "odp", "ods", "odt", "pdf", "png", "ppt", "pptx", "rar", "rtf", "svg", "tif", "tiff", "txt", "wav", "webp",
        "xls", "xlsx", "xml", "zip",
    ]
}

/// A CMS rule pack: recognized by fingerprint, its content and strip selectors apply before the
/// generic heuristics.
struct CMSPack: Sendable {
    /// The CMS name reported in `Article.cms`.
    var name: String
    /// Generator meta content fragments (lower-case) that identify the CMS.
    var generatorMarkers: [String]
    /// Markup fragments (lower-case) found in the raw page that identify the CMS.
    var sourceMarkers: [String]
    /// Selectors of the article container, tried in order; the first one that matches with text wins.
    var content: [String]
    /// Selectors of blocks to drop inside the page.
    var strip: [String]
    /// Selectors of the repeated items of a listing page.
    var listItems: [String]

    /// The packs, sorted by name.
    static let all: [CMSPack] = [
        CMSPack(
            name: "gsb",
            generatorMarkers: ["government site builder"],
            sourceMarkers: ["/siteglobals/", "siteglobals/frontend"],
            content: ["#content .article .text", "#content .article", "main .article .text"],
            strip: [".navFunctions", ".docMetaInfo", ".relatedContent", ".linkList", ".teaser-meta", ".toTop"],
            listItems: [".searchresult .teaser", ".teaserList .teaser", "#content .teaser"]
        ),
        CMSPack(
            name: "typo3",
            generatorMarkers: ["typo3"],
            sourceMarkers: ["this website is powered by typo3", "frame-type-", "/typo3conf/", "/typo3temp/"],
            content: [".news-single .article", ".news-single"],
            strip: [
                ".news-backlink-wrap", ".news-related-news", ".news-related-wrap", ".news-share", ".news-list-author",
                ".news-img-wrap", ".news-meta",
            ],
            listItems: [".news-list-view .article", ".news-list-view .news-list-item"]
        ),
    ]
}
