package dev.rialto.demo.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The demo shop's categories and the words its titles and descriptions are composed from. Each top-level category
 * has its own brands, adjectives, materials, features and uses, so that text search has real, category-specific
 * words to match.
 */
final class Vocabulary {

    /** A sub-category: its name, the product nouns sold in it and its price range in GBP. */
    record Sub(String name, List<String> nouns, double minPrice, double maxPrice) {
    }

    /**
     * A top-level category. {@code repeat} marks consumables that users buy again; {@code colours} adds a colour
     * to some titles; {@code made} is the word before a material in descriptions ("made from", "with", "in").
     */
    record Top(String name, boolean repeat, boolean colours, String made, List<String> brands,
            List<String> adjectives, List<String> materials, List<String> features, List<String> uses, List<Sub> subs) {
    }

    static final List<String> COLOURS = List.of("black", "white", "grey", "navy", "red", "green", "blue", "sand",
            "olive", "charcoal", "cream", "burgundy", "teal", "mustard", "stone");

    // Format: "= Name | min-max [| repeat] [| colours]" opens a category; "key: a, b" lists words;
    // "- Sub [min-max]: noun, noun" adds a sub-category (its own price range is optional).
    private static final String SPEC = """
            = Electronics | 15-450 | colours
            brands: Sonara, Voltix, Auralis, Kestrel Audio, Brightwave, Nordlyd
            adjectives: wireless, compact, portable, high-fidelity, rechargeable, smart, waterproof, lightweight
            materials: aluminium, recycled plastic, brushed steel, silicone, fabric-covered
            features: 30-hour battery life, Bluetooth 5.3, active noise cancellation, USB-C fast charging, voice assistant support, an IPX7 waterproof rating, a built-in microphone, multipoint pairing
            uses: the daily commute, working from home, travel, the gym, parties in the garden
            - Headphones: over-ear headphones, wireless earbuds, noise-cancelling headphones, sports earphones
            - Speakers: bluetooth speaker, soundbar, smart speaker, party speaker
            - Cameras [60-1200]: mirrorless camera, action camera, instant camera, camera lens
            - Smart Home: smart plug, video doorbell, smart thermostat, security camera, smart bulb
            - Phone Accessories [5-80]: phone case, wireless charger, power bank, screen protector

            = Computers | 20-1500 | colours
            brands: Corvid, Lumatek, Arcline, Nexbyte, Peregrine, Quillon
            adjectives: ultra-thin, high-performance, ergonomic, silent, backlit, fast, professional, budget
            materials: aluminium, magnesium alloy, ABS plastic, matte plastic, steel
            features: a 16 GB memory option, an IPS panel, a mechanical switch option, USB-C connectivity, a three-year warranty, Wi-Fi 6E, a fingerprint reader, adjustable height
            uses: home office work, gaming, students, photo editing, programming
            - Laptops [350-1900]: laptop, ultrabook, gaming laptop, 2-in-1 laptop, chromebook
            - Monitors [110-900]: 27-inch monitor, ultrawide monitor, 4K monitor, portable monitor
            - Keyboards and Mice [15-160]: mechanical keyboard, wireless mouse, keyboard and mouse set, trackball
            - Storage [25-350]: external SSD, portable hard drive, USB flash drive, NAS drive
            - Networking [25-320]: mesh Wi-Fi system, router, network switch, powerline adapter

            = Home and Kitchen | 6-320 | colours
            brands: Hearthwell, Copperleaf, Maison Brume, Oakridge Home, Kitchenly, Saltmarsh
            adjectives: non-stick, stainless, dishwasher-safe, stackable, classic, modern, heavy-duty, space-saving
            materials: stainless steel, cast iron, stoneware, borosilicate glass, bamboo, porcelain
            features: an induction-ready base, a five-year guarantee, a soft-close lid, cool-touch handles, an easy-clean finish, oven-safe design up to 220C, a BPA-free build
            uses: family dinners, batch cooking, everyday use, entertaining guests, small kitchens
            - Cookware: frying pan, saucepan set, casserole dish, wok, stockpot
            - Small Appliances [25-320]: kettle, toaster, air fryer, stand mixer, coffee machine
            - Tableware: dinner set, pasta bowls, wine glasses, cutlery set
            - Kitchen Storage: food storage containers, bread bin, spice rack, glass jars

            = Furniture | 40-1400 | colours
            brands: Larchfield, Norrvik, Elmstead, Casa Verde, Tallow and Pine, Brightholm
            adjectives: solid, Scandinavian, mid-century, modular, upholstered, minimalist, rustic, compact
            materials: solid oak, walnut veneer, velvet, linen, powder-coated steel, rattan
            features: easy self-assembly, removable washable covers, soft-close drawers, hidden storage, adjustable feet, a ten-year frame guarantee
            uses: small flats, family living rooms, home offices, guest rooms, balconies
            - Living Room [90-1400]: three-seater sofa, armchair, coffee table, TV unit, bookcase
            - Bedroom [80-1100]: double bed frame, wardrobe, chest of drawers, bedside table
            - Office [60-700]: standing desk, office chair, filing cabinet, desk
            - Outdoor [40-900]: garden bench, bistro set, sun lounger, outdoor dining set

            = Garden | 3-260
            brands: Greenhaven, Thornbury, Fieldcraft, Mossbank, Bloomfield, Wrenwood
            adjectives: durable, weatherproof, cordless, ergonomic, organic, solar-powered, hardy, lightweight
            materials: carbon steel, ash wood, galvanised steel, recycled plastic, terracotta
            features: a comfort-grip handle, frost resistance, a long reach, a lifetime guarantee, quick-connect fittings, an automatic dusk sensor
            uses: vegetable patches, small gardens, patios, allotments, window boxes
            - Garden Tools [8-220]: spade, pruning shears, hedge trimmer, lawn mower, garden fork
            - Plants and Seeds [3-45]: tomato seeds, lavender plant, herb seed kit, flower bulbs, olive tree
            - Watering [6-120]: garden hose, watering can, sprinkler, rain water butt
            - Outdoor Lighting [8-140]: solar lights, festoon lights, wall lantern, path lights

            = Womenswear | 12-220 | colours
            brands: Marlowe, Isla Grace, Fenwick and Rose, Solene, Wild Thistle, Hartley
            adjectives: relaxed-fit, tailored, floral, cropped, oversized, classic, lightweight, cosy
            materials: organic cotton, linen, merino wool, viscose, recycled polyester, cashmere
            features: side pockets, an adjustable waist, a machine-washable fabric, a detachable hood, a wrap front, a lined body
            uses: the office, weekends, summer holidays, evenings out, autumn walks
            - Dresses: midi dress, wrap dress, shirt dress, maxi dress
            - Tops: blouse, t-shirt, camisole, tunic
            - Coats and Jackets [45-220]: trench coat, puffer jacket, wool coat, denim jacket
            - Knitwear: jumper, cardigan, roll-neck sweater, knitted vest

            = Menswear | 12-240 | colours
            brands: Ashby and Co, Northbound, Kinloch, Greystone, Harbour Lane, Redwell
            adjectives: slim-fit, regular-fit, classic, rugged, breathable, tailored, heavyweight, casual
            materials: organic cotton, Oxford cotton, merino wool, denim, corduroy, waxed cotton
            features: a button-down collar, stretch comfort, reinforced seams, a water-resistant finish, zip pockets, a tapered leg
            uses: the office, weekends, outdoor walks, smart occasions, travel
            - Shirts: Oxford shirt, flannel shirt, linen shirt, polo shirt
            - Trousers: chinos, slim jeans, cargo trousers, suit trousers
            - Jackets [45-240]: waxed jacket, bomber jacket, parka, blazer
            - Knitwear: crew-neck jumper, quarter-zip sweater, cardigan, cable-knit jumper

            = Shoes | 20-220 | colours
            brands: Stridewell, Pacer, Cobbleton, Trailforge, Soleway, Brogue and Last
            adjectives: cushioned, waterproof, lightweight, leather, breathable, grippy, classic, vegan
            materials: full-grain leather, suede, knitted mesh, recycled rubber, canvas
            features: a memory-foam insole, a Vibram outsole, a wide-fit option, reflective details, a padded collar, a carbon plate
            uses: road running, hiking, everyday wear, trail running, summer holidays
            - Running Shoes: road running shoes, trail running shoes, racing flats, stability running shoes
            - Boots: Chelsea boots, hiking boots, ankle boots, wellington boots
            - Trainers: canvas trainers, leather trainers, retro trainers, slip-on trainers
            - Sandals [15-90]: walking sandals, sliders, flip-flops, espadrilles

            = Sports and Outdoors | 8-650 | colours
            brands: Summitline, Ridgeback Sport, Ironvale, Tidepool, Fellrunner, Kinetiq
            adjectives: adjustable, foldable, lightweight, heavy-duty, insulated, non-slip, compact, professional
            materials: steel, ripstop nylon, natural rubber, carbon fibre, neoprene, aluminium
            features: a carry bag, quick setup, an anti-slip surface, adjustable resistance, a two-year warranty, a waterproof 3000 mm rating
            uses: home workouts, wild camping, commuting by bike, yoga classes, weekend adventures
            - Fitness [10-420]: adjustable dumbbells, kettlebell, resistance bands, exercise bike, rowing machine
            - Cycling [10-650]: bike helmet, bike lights, cycling jersey, bike lock, road bike pump
            - Camping [12-420]: two-person tent, sleeping bag, camping stove, inflatable mattress
            - Yoga [8-90]: yoga mat, yoga block, meditation cushion, yoga strap

            = Toys and Games | 5-150
            brands: Puzzlewick, Brickhaven, Little Owl, Gamesmith, Tumbletop, Starfort
            adjectives: colourful, educational, award-winning, wooden, family, strategic, creative, classic
            materials: FSC wood, recycled cardboard, ABS plastic, soft plush, non-toxic paint
            features: 2 to 6 players, a 45-minute play time, easy-to-learn rules, 1000 pieces, glow-in-the-dark parts, an illustrated guide
            uses: family game nights, rainy days, birthday presents, ages 8 and up, toddlers
            - Board Games: strategy board game, party game, card game, cooperative board game
            - Building Sets: building bricks set, marble run, magnetic tiles, construction kit
            - Puzzles [5-40]: jigsaw puzzle, 3D puzzle, brain teaser, floor puzzle
            - Outdoor Toys [10-150]: trampoline, garden swing, water blaster, balance bike

            = Books | 4-45
            made: in
            brands: Harbour Press, Quillstone Books, Northgate Publishing, Lantern House, Ravenmoor, Bluebell Editions
            adjectives: bestselling, gripping, illustrated, heart-warming, award-winning, practical, beautifully written, updated
            materials: paperback, hardback, large print, special edition
            features: a foreword by the author, full-colour photographs, over 100 recipes, fold-out maps, a reading group guide, step-by-step illustrations
            uses: holiday reading, book clubs, keen cooks, weekend travellers, bedtime stories
            - Fiction: crime novel, historical novel, thriller, literary novel, fantasy saga
            - Cookbooks: baking book, vegetarian cookbook, Italian cookbook, quick suppers cookbook
            - Travel Guides: city guide, walking guide, road trip guide, phrase book
            - Kids Books: picture book, bedtime story collection, adventure story, activity book

            = Beauty | 4-120 | repeat
            made: with
            brands: Lumiere Botanics, Petal and Pine, Aurea, Skinfolk, Velour, Mistral
            adjectives: hydrating, fragrance-free, vegan, nourishing, long-lasting, gentle, radiance-boosting, lightweight
            materials: hyaluronic acid, shea butter, vitamin C, argan oil, niacinamide, aloe vera
            features: dermatologist testing, a refillable bottle, SPF 30, a non-greasy texture, cruelty-free certification, recyclable packaging
            uses: dry skin, sensitive skin, everyday use, curly hair, evenings out
            - Skincare [6-70]: face moisturiser, vitamin C serum, cleansing balm, eye cream, sunscreen
            - Haircare [4-35]: shampoo, conditioner, hair mask, styling cream
            - Fragrance [18-120]: eau de parfum, eau de toilette, body mist, scented candle
            - Make-up [5-45]: mascara, lipstick, foundation, eyeshadow palette

            = Health and Personal Care | 3-180 | repeat
            made: with
            brands: Vitalis, Purewell, Brightsmile, Clearpath, Oakmoor Health, Zenara
            adjectives: sugar-free, rechargeable, gentle, clinically tested, natural, once-a-day, sensitive, travel-size
            materials: vitamin D3, magnesium, fluoride, charcoal, stainless steel blades, omega-3 fish oil
            features: a 90-day supply, a pressure sensor, two-minute timer, vegan capsules, a travel case, replaceable heads
            uses: winter wellbeing, sensitive teeth, daily shaving, family first aid, active lifestyles
            - Vitamins [4-35]: vitamin D tablets, multivitamin, magnesium capsules, omega-3 capsules
            - Oral Care [3-180]: electric toothbrush, toothpaste, dental floss, mouthwash
            - Shaving [4-150]: electric shaver, safety razor, shaving foam, beard trimmer
            - First Aid [3-40]: first aid kit, plasters, digital thermometer, hot water bottle

            = Grocery | 1-35 | repeat
            made: with
            brands: Fieldhouse Pantry, Harrow and Hen, Bramblewood, Golden Acre, Copper Kettle, Marsden Mill
            adjectives: organic, fair-trade, single-origin, gluten-free, wholegrain, hand-roasted, small-batch, low-sugar
            materials: Arabica beans, Assam tea, stoneground flour, sea salt, dark chocolate, rolled oats
            features: a resealable bag, compostable packaging, no artificial flavours, a 12-month shelf life, a multipack option
            uses: the morning cup, lunchboxes, baking at home, weekend breakfasts, movie nights
            - Coffee and Tea [3-35]: ground coffee, coffee beans, coffee pods, English breakfast tea, green tea
            - Snacks: crisps, granola bars, dark chocolate bar, mixed nuts, popcorn
            - Pantry: extra virgin olive oil, pasta, basmati rice, tomato passata, honey
            - Breakfast: granola, porridge oats, strawberry jam, muesli

            = Pet Supplies | 3-140 | repeat
            made: with
            brands: Pawsome, Whiskerwood, Barkley and Co, Tailwind Pets, Furrow, Nibbles
            adjectives: grain-free, hypoallergenic, durable, washable, chew-resistant, natural, senior, puppy
            materials: salmon, chicken, memory foam, natural rubber, organic catnip, sherpa fleece
            features: added omega oils, a non-slip base, a removable cover, a resealable pouch, vet approval, a 2 kg bag
            uses: large dogs, indoor cats, puppies, senior pets, sensitive stomachs
            - Dog Food [5-70]: dry dog food, wet dog food, dog treats, dental chews
            - Cat Food [3-45]: dry cat food, wet cat food pouches, cat treats, kitten food
            - Pet Toys [3-30]: rope toy, squeaky ball, cat scratcher, puzzle feeder
            - Pet Beds [15-140]: orthopaedic dog bed, cat cave, pet blanket, calming donut bed

            = Baby | 4-600 | repeat | colours
            brands: Little Sprout, Nestling, Bumble and Bee, Cosytoes, Moonbeam Baby, Tiny Harbour
            adjectives: soft, organic, lightweight, foldable, anti-colic, breathable, easy-clean, newborn
            materials: organic cotton, bamboo fabric, BPA-free plastic, merino wool, aluminium frame
            features: one-hand folding, a five-point harness, a temperature indicator, a removable washable lining, an adjustable handle
            uses: newborns, city walks, night feeds, travel, the nursery
            - Nursery [25-350]: cot bed, baby monitor, changing mat, nursery night light
            - Feeding [4-80]: baby bottles, bottle steriliser, weaning spoons, high chair
            - Baby Clothing [6-40]: sleepsuit, baby bodysuit multipack, sleeping bag, knitted hat
            - Pushchairs [120-600]: pushchair, travel system, lightweight stroller, pram

            = Jewellery and Watches | 15-650
            brands: Aurelle, Mayfair Time, Silverbirch, Lune, Ostrava, Kingsmere
            adjectives: minimalist, vintage-inspired, handmade, elegant, dainty, classic, bold, gold-plated
            materials: sterling silver, 18ct gold vermeil, stainless steel, freshwater pearl, rose gold, sapphire crystal
            features: a gift box, hypoallergenic posts, 50 m water resistance, an automatic movement, an adjustable chain, engraving options
            uses: anniversaries, everyday wear, weddings, birthday gifts, the office
            - Watches [45-650]: automatic watch, chronograph watch, dress watch, smartwatch
            - Necklaces: pendant necklace, chain necklace, locket, choker
            - Earrings: stud earrings, hoop earrings, drop earrings, ear cuffs
            - Rings: stacking ring, signet ring, engagement-style ring, band ring

            = Bags and Luggage | 12-380 | colours
            brands: Wayfarer, Atlas and Oak, Kestrel Bags, Portside, Holloway, Nomadic Co
            adjectives: lightweight, expandable, water-resistant, hard-shell, compact, vintage, anti-theft, roomy
            materials: polycarbonate, full-grain leather, recycled nylon, waxed canvas, vegan leather
            features: spinner wheels, a TSA lock, a padded laptop sleeve, RFID blocking, a lifetime warranty, hidden pockets
            uses: weekend breaks, business travel, daily commuting, long-haul flights, city trips
            - Suitcases [45-380]: cabin suitcase, large check-in suitcase, suitcase set, weekend holdall
            - Backpacks [20-160]: laptop backpack, travel backpack, rolltop backpack, daypack
            - Handbags [20-260]: tote bag, crossbody bag, shoulder bag, clutch bag
            - Wallets [12-90]: card holder, bifold wallet, travel wallet, coin purse

            = DIY and Tools | 4-420
            brands: Forgeline, Hammerhead, Torqmaster, Brickyard, Steelpoint, Carrick Tools
            adjectives: cordless, heavy-duty, professional, compact, brushless, precision, multi-purpose, interchangeable
            materials: chrome vanadium steel, fibreglass, hardened steel, lithium-ion, low-VOC
            features: two 18V batteries, a fast charger, a carry case, variable speed, an LED work light, a lifetime guarantee
            uses: home renovation, weekend DIY, professional trades, furniture assembly, decorating
            - Power Tools [40-420]: cordless drill, impact driver, circular saw, orbital sander, jigsaw
            - Hand Tools [6-120]: screwdriver set, socket set, claw hammer, tape measure, spirit level
            - Paint and Decorating [4-80]: matt emulsion paint, paint roller kit, masking tape, wood stain
            - Lighting [8-160]: LED ceiling light, floor lamp, table lamp, LED bulb pack

            = Automotive | 5-380
            made: with
            brands: Roadcraft, Motorvane, Gearwell, Autolux, Pitlane, Northway Motor
            adjectives: universal, heavy-duty, high-gloss, compact, portable, all-weather, premium, professional
            materials: microfibre, carnauba wax, aluminium, rubber, ABS plastic
            features: a 12V plug, a full HD sensor, a quick-release mount, a digital pressure gauge, streak-free results, a two-year warranty
            uses: family cars, road trips, winter driving, weekend detailing, daily commuting
            - Car Care [5-60]: car shampoo, microfibre cloths, car wax, interior cleaner, pressure washer
            - Car Electronics [25-380]: dash cam, tyre inflator, jump starter, phone car mount
            - Car Accessories [8-140]: seat covers, roof box, boot liner, car floor mats

            = Music | 5-1200
            made: in
            brands: Harlow Instruments, Resonant, Blackthorn, Tempo, Alder and Wren, Vintage Tone
            adjectives: acoustic, electric, beginner, professional, digital, vintage-style, compact, studio-grade
            materials: solid spruce, rosewood, mahogany, maple, steel strings
            features: a built-in tuner, 88 weighted keys, a hard case, USB audio output, a gig bag, phantom power
            uses: beginners, home recording, live gigs, music lessons, practice sessions
            - Guitars [90-1200]: acoustic guitar, electric guitar, bass guitar, classical guitar, ukulele
            - Keyboards and Pianos [80-1100]: digital piano, portable keyboard, MIDI keyboard controller, stage piano
            - Audio Recording [30-450]: USB microphone, audio interface, studio monitors, condenser microphone
            - Music Accessories [5-80]: guitar strings, guitar strap, music stand, instrument cable, capo

            = Stationery and Office | 2-180 | colours
            brands: Inkwell and Co, Paperfield, Quillmark, Draftsman, Foxglove Paper, Ledger Lane
            adjectives: refillable, hardback, dotted, recycled, fine-tip, professional, compact, colourful
            materials: acid-free paper, vegan leather, brass, bamboo, kraft paper
            features: 192 numbered pages, a lay-flat binding, quick-drying ink, a ribbon marker, a pocket, fade-resistant pigments
            uses: journaling, students, the office, sketching, planning the year
            - Notebooks [4-35]: A5 notebook, bullet journal, weekly planner, sketchbook
            - Pens [2-80]: fountain pen, gel pens set, fineliner pens, ballpoint pen
            - Desk Accessories [6-180]: desk organiser, monitor stand, desk lamp, letter tray
            - Art Supplies [5-90]: watercolour paint set, coloured pencils, acrylic paints, drawing pencils

            = Video Games | 10-550
            made: in
            brands: Pixelforge, Arcadia, Nebula Play, Questline, Turbo Labs, Hexagon Games
            adjectives: multiplayer, open-world, wireless, next-gen, family-friendly, competitive, retro, immersive
            materials: matte plastic, braided cable, memory foam, aluminium
            features: online co-op, 4K at 60 fps, haptic feedback, a 40-hour campaign, split-screen play, low-latency wireless
            uses: family evenings, competitive online play, long journeys, party nights, solo adventures
            - Consoles [200-550]: games console, handheld console, retro mini console
            - Games [10-70]: racing game, role-playing game, football game, platformer game, adventure game
            - Gaming Accessories [15-180]: wireless controller, gaming headset, charging dock, gaming chair
            """;

    private static final List<Top> TOPS = parse(SPEC);

    private Vocabulary() {
    }

    static List<Top> tops() {
        return TOPS;
    }

    static int subCount() {
        return TOPS.stream().mapToInt(t -> t.subs().size()).sum();
    }

    private static List<Top> parse(String spec) {
        List<Top> tops = new ArrayList<>();
        Builder current = null;
        for (String raw : spec.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("= ")) {
                if (current != null) {
                    tops.add(current.build());
                }
                String[] parts = line.substring(2).split("\\|");
                double[] range = range(parts[1].strip());
                List<String> flags = Arrays.stream(parts).skip(2).map(String::strip).toList();
                current = new Builder(parts[0].strip(), range[0], range[1], flags.contains("repeat"),
                        flags.contains("colours"));
            } else if (line.startsWith("- ")) {
                int colon = line.indexOf(':');
                String head = line.substring(2, colon).strip();
                double min = current.min;
                double max = current.max;
                int bracket = head.indexOf('[');
                if (bracket > 0) {
                    double[] range = range(head.substring(bracket + 1, head.indexOf(']')));
                    min = range[0];
                    max = range[1];
                    head = head.substring(0, bracket).strip();
                }
                current.subs.add(new Sub(head, words(line.substring(colon + 1)), min, max));
            } else {
                int colon = line.indexOf(':');
                List<String> words = words(line.substring(colon + 1));
                switch (line.substring(0, colon)) {
                    case "brands" -> current.brands = words;
                    case "adjectives" -> current.adjectives = words;
                    case "materials" -> current.materials = words;
                    case "features" -> current.features = words;
                    case "uses" -> current.uses = words;
                    case "made" -> current.made = words.get(0);
                    default -> throw new IllegalStateException("unknown vocabulary line: " + line);
                }
            }
        }
        tops.add(current.build());
        return List.copyOf(tops);
    }

    private static double[] range(String text) {
        String[] bounds = text.split("-");
        return new double[] {Double.parseDouble(bounds[0].strip()), Double.parseDouble(bounds[1].strip())};
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static final class Builder {
        final String name;
        final double min;
        final double max;
        final boolean repeat;
        final boolean colours;
        String made = "made from";
        List<String> brands = List.of();
        List<String> adjectives = List.of();
        List<String> materials = List.of();
        List<String> features = List.of();
        List<String> uses = List.of();
        final List<Sub> subs = new ArrayList<>();

        Builder(String name, double min, double max, boolean repeat, boolean colours) {
            this.name = name;
            this.min = min;
            this.max = max;
            this.repeat = repeat;
            this.colours = colours;
        }

        Top build() {
            if (brands.isEmpty() || adjectives.isEmpty() || materials.isEmpty() || features.size() < 3
                    || uses.isEmpty() || subs.size() < 2 || subs.size() > 5) {
                throw new IllegalStateException("incomplete vocabulary for category " + name);
            }
            return new Top(name, repeat, colours, made, brands, adjectives, materials, features, uses,
                    List.copyOf(subs));
        }
    }
}
