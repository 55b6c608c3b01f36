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
    static let baselineFactor = 2.5

    /// The blocks chosen, how they were found, and what was excluded on the way (the
    /// sanitizer leaves the same elements out of the HTML).
    struct Result {
        var blocks: [Block]
        var method: ContentFinder.Method
        var excluded: Set<Node>

        var length: Int { blocks.reduce(0) { $0 + $1.characterCount } }
    }

    let cleaner: Cleaner
    let filter: BlockFilter
    let finder: ContentFinder

    func run(main: (roots: [Node], method: ContentFinder.Method), body: Node) -> Result {
        var best = extract(main.roots, method: main.method)
        if main.method == .selector { return best }
        var bestLength = best.length
        if main.method != .cms || bestLength < Self.minimumText,
            let roots = finder.score(body, classWeights: false), Set(roots) != Set(main.roots)
        {
            let candidate = unfiltered(roots)
            // Filtering only drops blocks: when all of them together cannot win, neither can
            // what the filter keeps, and the filter is not run.
            let bound = Self.length(candidate.blocks)
            if Double(bound) > Self.secondOpinionFactor * Double(bestLength) {
                let second = Result(blocks: filter.filter(candidate.blocks), method: .scoring, excluded: candidate.excluded)
                let secondLength = second.length
                if Double(secondLength) > Self.secondOpinionFactor * Double(bestLength) {
                    best = second
                    bestLength = secondLength
                }
            }
        }
        // The baseline cannot hold more text than the page (`textLength` leaves out white
        // space, hence the margin): skip it when it cannot win.
        let needed = bestLength < Self.minimumText ? bestLength : Int(Self.baselineFactor * Double(bestLength))
        if Double(body.textLength) * 1.5 > Double(needed), let baseline = baseline(body, needed: needed) {
            best = baseline
        }
        return best
    }

    /// One candidate: blocks of the roots, content boilerplate excluded, filtered.
    private func extract(_ roots: [Node], method: ContentFinder.Method) -> Result {
        let candidate = unfiltered(roots)
        return Result(blocks: filter.filter(candidate.blocks), method: method, excluded: candidate.excluded)
    }

    /// The blocks of the roots still in the tree, content boilerplate excluded, not filtered.
    private func unfiltered(_ roots: [Node]) -> (blocks: [Block], excluded: Set<Node>) {
        let live = roots.filter { $0.parent != nil }
        let excluded = cleaner.contentBoilerplate(in: live)
        return (BlockBuilder(excluded: excluded).blocks(in: live), excluded)
    }

    /// The characters of the blocks' texts (what `Result.length` counts).
    private static func length(_ blocks: [Block]) -> Int { blocks.reduce(0) { $0 + $1.characterCount } }

    // MARK: Baseline

    /// A block of at least this many characters with few links is reading text on its own.
    static let baselineGoodLength = 80
    /// A block below this many characters is never kept on its own (only between good ones).
    static let baselineShortLength = 25
    /// The most link characters over all characters a reading block may have.
    static let baselineLinkDensity = 0.25

    /// Every reading block of the page, in order: good blocks (long, few links), and the short
    /// blocks and headings directly between or before good ones (justext's context rule).
    func baseline(_ body: Node) -> Result { baseline(body, needed: nil)! }

    /// The baseline if it holds more than `needed` characters (any baseline when nil). Only
    /// good and near blocks are kept, and which a block is depends on the block alone: the
    /// filter is not run when those of the unfiltered blocks together hold too little.
    private func baseline(_ body: Node, needed: Int?) -> Result? {
        let candidate = unfiltered([body])
        if let needed {
            let bound = candidate.blocks.reduce(0) { total, block in
                Self.classify(block) == .bad ? total : total + block.characterCount
            }
            if bound <= needed { return nil }
        }
        let blocks = filter.filter(candidate.blocks)
        let classes = blocks.map(Self.classify)
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
        let result = Result(blocks: kept, method: .baseline, excluded: candidate.excluded)
        if let needed, result.length <= needed { return nil }
        return result
    }

    private enum Class { case good, near, bad }

    /// A block's class in the baseline, by its own text (before its neighbours are looked at).
    private static func classify(_ block: Block) -> Class {
        if block.linkDensity > baselineLinkDensity { return .bad }
        if block.characterCount >= baselineGoodLength { return .good }
        if block.characterCount >= baselineShortLength { return .near }
        if case .heading = block.kind { return .near }
        return .bad
    }
}
