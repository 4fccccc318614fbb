package dev.rialto.content.internal;

import java.util.List;

/** The defaults of the guardrails' lists, shared by the configuration and the tests. */
final class ContentConfigDefaults {
    // "guarantee" alone is a grounded claim, not a banned one: catalogues state warranties ("a five-year guarantee").
    static final List<String> BANNED = List.of("guaranteed", "cure", "cures", "miracle", "risk-free",
            "risk free", "clinically proven", "no side effects", "100% safe", "get rich", "保证", "治愈", "根治", "奇迹",
            "无副作用", "零风险");
    static final List<String> GROUNDED = List.of("guarantee", "warranty", "free shipping", "free delivery", "best seller", "bestseller",
            "best-selling", "award-winning", "award winning", "waterproof", "organic", "handmade", "limited edition",
            "sale", "discount", "% off", "new arrival", "eco-friendly", "包邮", "免运费", "畅销", "限量", "折扣", "促销", "有机",
            "防水", "新品");
    static final String SENDER = "Rialto Demo Shop, 1 Example Street, London EC1A 1AA, United Kingdom";
    static final String UNSUBSCRIBE_URL = "%UNSUBSCRIBE_URL%";
    static final List<String> UNSUBSCRIBE_WORDS = List.of("unsubscribe", "退订", "取消订阅");

    private ContentConfigDefaults() {
    }
}
