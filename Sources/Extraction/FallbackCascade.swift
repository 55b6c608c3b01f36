import Markup

/// The fallback cascade after content selection (trafilatura's idea: a second opinion and a
/// baseline for when the main pass finds too little). Every candidate is built from the same
/// document: content-level boilerplate is an exclusion set, never removed from the tree.
/// 1. The main pass: the chosen container(s), boilerplate excluded, blocks filtered.
/// 2. A second opinion for generic selections: the scoring pass without class/id weights
///    (a class name such as `text` or `content` on a small box can mislead the first pass).
///    It replaces the main pass when it holds more than `secondOpinionFactor` times its text.
/// 3. The baseline when the result is still shorter than `minimumText`: every reading block
///    of the cleaned page (long enough, few links), with the short blocks and headings that
///    sit between them — for pages whose text is not in one container or not in `<p>`.
/// A `content:` selector from the configuration is trusted and never second-guessed.
struct FallbackCascade {
    /// Below this many characters the main pass "found too little" (trafilatura uses 250).
    static let minimumText = 250
    /// The second opinion must hold more than this multiple of the main pass's text.
    static let secondOpinionFactor = 2.0
    /// Above `minimumText`, the baseline must hold more than this multiple of the text.
    static let baselineFactor = 3.0

    /// The blocks chosen, how they were found, and what was excluded on the way (the
    /// sanitizer leaves the same elements out of the HTML).
    struct Result {
        var blocks: [Block]
        var method: ContentFinder.Method
        var excluded: Set<Node>

        var length: Int { blocks.reduce(0) { $0 + $1.text.count } }
    }

    let cleaner: Cleaner
    let filter: BlockFilter
    let finder: ContentFinder

    func run(main: (roots: [Node], method: ContentFinder.Method), body: Node) -> Result {
        var best = extract(main.roots, method: main.method)
        if main.method == .selector { return best }
        if main.method != .cms || best.length < Self.minimumText,
            let roots = finder.score(body, classWeights: false), Set(roots) != Set(main.roots)
        {
            let second = extract(roots, method: .scoring)
            if Double(second.length) > Self.secondOpinionFactor * Double(best.length) { best = second }
        }
        // The baseline cannot hold more text than the page (`textLength` leaves out white
        // space, hence the margin): skip it when it cannot win.
        let needed = best.length < Self.minimumText ? best.length : Int(Self.baselineFactor * Double(best.length))
        if Double(body.textLength) * 1.5 > Double(needed) {
            let baseline = self.baseline(body)
            if baseline.length > needed { best = baseline }
        }
        return best
    }

    /// One candidate: blocks of the roots, content boilerplate excluded, filtered.
    private func extract(_ roots: [Node], method: ContentFinder.Method) -> Result {
        let live = roots.filter { $0.parent != nil }
        let excluded = cleaner.contentBoilerplate(in: live)
        let blocks = filter.filter(BlockBuilder(excluded: excluded).blocks(in: live))
        return Result(blocks: blocks, method: method, excluded: excluded)
    }

    // MARK: Baseline

    /// A block of at least this many characters with few links is reading text on its own.
    static let baselineGoodLength = 80
    /// A block below this many characters is never kept on its own (only between good ones).
    static let baselineShortLength = 25
    /// The most link characters over all characters a reading block may have.
    static let baselineLinkDensity = 0.25

    /// Every reading block of the page, in order: good blocks (long, few links), and the short
    /// blocks and headings directly between or before good ones (justext's context rule).
    func baseline(_ body: Node) -> Result {
        let excluded = cleaner.contentBoilerplate(in: [body])
        let blocks = filter.filter(BlockBuilder(excluded: excluded).blocks(in: [body]))
        enum Class { case good, near, bad }
        let classes: [Class] = blocks.map { block in
            if block.linkDensity > Self.baselineLinkDensity { return .bad }
            if block.text.count >= Self.baselineGoodLength { return .good }
            if block.text.count >= Self.baselineShortLength { return .near }
            if case .heading = block.kind { return .near }
            return .bad
        }
        var kept: [Block] = []
        for (index, block) in blocks.enumerated() {
            switch classes[index] {
            case .good:
                kept.append(block)
            case .near:
                // Kept when the next non-near block is good and a good block came before (or
                // it is a heading leading into good text).
                let next = classes[(index + 1)...].first { $0 != .near }
                let previous = classes[..<index].last { $0 != .near }
                let isHeading: Bool = if case .heading = block.kind { true } else { false }
                if next == .good && (previous == .good || isHeading) { kept.append(block) }
            case .bad:
                continue
            }
        }
        return Result(blocks: kept, method: .baseline, excluded: excluded)
    }
}
