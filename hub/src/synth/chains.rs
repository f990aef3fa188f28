//! The chains, round by round (a round is a day): farms and mines make raw lots and ship them
//! (some across the border through ports) to processors and smelters; each processor lot is a
//! transformation of 2 to 4 input lots, its items are commissioned into it and packed into cases
//! and pallets; pallets go to distributors (a fifth of them abroad, through ports), who break
//! them down and build mixed pallets for retailers' stores, where cases are opened and items sold.
//! Rare-earth lots stay at class level: oxide in pallets by quantity.

use chrono::{DateTime, Duration, FixedOffset};
use registry::epcis::ext::CBVMDA_NS;
use registry::epcis::{
    Action, BizTransaction, Event, EventType, ExtElement, ExtValue, Location, QuantityElement,
    SourceDest,
};

use super::world::{EnterpriseSpec, Role, World, location, with_check};
use super::{LotFiling, Rng};

fn cbv(kind: &str, word: &str) -> String {
    format!("https://ref.gs1.org/cbv/{kind}-{word}")
}

/// A raw lot waiting at a farm or mine.
#[derive(Debug, Clone)]
struct RawLot {
    class: String,
    farm: usize,
    quantity: f64,
    uses: u8,
}

/// A case at a distributor, waiting for an outbound pallet.
#[derive(Debug, Clone)]
struct Case {
    sscc: String,
    items: Vec<String>,
}

/// Generates events into a sink, round by round, until it has made `limit`.
pub struct Chains<'w> {
    world: &'w World,
    rng: Rng,
    base: DateTime<FixedOffset>,
    round: u32,
    made: u64,
    limit: u64,
    serial: u64,
    lots: u64,
    raw: Vec<RawLot>,
    /// The lots made so far, for their producers to file as batches.
    pub filings: Vec<LotFiling>,
}

/// The sink refused an event; generation stops with its error.
pub type SinkResult = anyhow::Result<()>;

impl<'w> Chains<'w> {
    /// Chains over `world`, drawing from `rng`, stopping after `limit` events.
    pub fn new(world: &'w World, rng: Rng, limit: u64) -> Self {
        let base = DateTime::parse_from_rfc3339("2026-03-01T06:00:00+08:00")
            .unwrap_or_else(|_| DateTime::UNIX_EPOCH.fixed_offset());
        Chains {
            world,
            rng,
            base,
            round: 0,
            made: 0,
            limit,
            serial: 0,
            lots: 0,
            raw: Vec::new(),
            filings: Vec::new(),
        }
    }

    /// Events made so far.
    pub fn made(&self) -> u64 {
        self.made
    }

    /// Runs rounds until the limit, handing every event to `sink`.
    pub fn run(&mut self, sink: &mut dyn FnMut(Event) -> SinkResult) -> SinkResult {
        while self.made < self.limit {
            self.one_round(sink)?;
            self.round += 1;
        }
        Ok(())
    }

    fn emit(&mut self, sink: &mut dyn FnMut(Event) -> SinkResult, mut e: Event) -> SinkResult {
        if self.made >= self.limit {
            return Ok(());
        }
        e.event_id = Some(self.rng.uuid());
        self.made += 1;
        sink(e)
    }

    fn at(&self, minutes: i64) -> DateTime<FixedOffset> {
        self.base + Duration::days(i64::from(self.round)) + Duration::minutes(minutes)
    }

    fn ent(&self, i: usize) -> &'w EnterpriseSpec {
        &self.world.enterprises[i]
    }

    fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    fn sscc(&mut self, owner: usize) -> String {
        let prefix = &self.ent(owner).company_prefix;
        let n = self.next_serial();
        let body = format!("0{prefix}{:0w$}", n % 10u64.pow(9), w = 16 - prefix.len());
        format!("https://id.gs1.org/00/{}", with_check(&body))
    }

    fn new_lot(&mut self, gtin: &str) -> (String, String) {
        self.lots += 1;
        let number = format!("L{}{:06}", self.round % 100, self.lots);
        (format!("https://id.gs1.org/01/{gtin}/10/{number}"), number)
    }

    fn file(&mut self, producer: usize, class: &str, quantity: f64, inputs: Vec<String>) {
        self.filings.push(LotFiling {
            producer,
            class: class.to_owned(),
            produced: self.at(0).date_naive(),
            quantity,
            unit: uom(self.ent(producer)).to_owned(),
            inputs,
        });
    }

    fn one_round(&mut self, sink: &mut dyn FnMut(Event) -> SinkResult) -> SinkResult {
        let processors = self.world.with_role(Role::Processor);
        let smelters = self.world.with_role(Role::Smelter);
        let mut at_distributors: Vec<(usize, Vec<Case>)> = Vec::new();
        for (slot, p) in processors.iter().enumerate() {
            if self.rng.below(4) == 0 {
                continue;
            }
            let cases = self.processor_lot(sink, *p, slot as i64 * 7)?;
            let (dist, cases) = self.ship_to_distributor(sink, *p, cases)?;
            match at_distributors.iter_mut().find(|(d, _)| *d == dist) {
                Some((_, pool)) => pool.extend(cases),
                None => at_distributors.push((dist, cases)),
            }
        }
        for s in smelters {
            if self.rng.below(2) == 0 {
                self.smelter_lot(sink, s)?;
            }
        }
        for (dist, mut pool) in at_distributors {
            self.rng.shuffle(&mut pool);
            self.ship_to_retail(sink, dist, pool)?;
        }
        Ok(())
    }

    fn object(&self, minutes: i64, action: Action, step: &str, site: &str) -> Event {
        let mut e = Event::new(EventType::ObjectEvent, self.at(minutes));
        e.action = Some(action);
        e.biz_step = Some(cbv("BizStep", step));
        e.read_point = Some(Location {
            id: site.to_owned(),
            extensions: Vec::new(),
        });
        e.biz_location = e.read_point.clone();
        e
    }

    fn ship(&mut self, e: &mut Event, from: usize, from_site: &str, to: usize, to_site: &str) {
        e.disposition = Some(cbv("Disp", "in_transit"));
        e.source_list = vec![
            SourceDest {
                kind: cbv("SDT", "owning_party"),
                value: self.ent(from).party(),
            },
            SourceDest {
                kind: cbv("SDT", "location"),
                value: from_site.to_owned(),
            },
        ];
        e.destination_list = vec![
            SourceDest {
                kind: cbv("SDT", "owning_party"),
                value: self.ent(to).party(),
            },
            SourceDest {
                kind: cbv("SDT", "location"),
                value: to_site.to_owned(),
            },
        ];
        let gln = &self.ent(from).sites[0].gln;
        let n = self.next_serial();
        e.biz_transaction_list = vec![BizTransaction {
            kind: Some(cbv("BTT", "desadv")),
            value: format!("urn:epcglobal:cbv:bt:{gln}:DA{n}"),
        }];
    }

    /// A raw lot from a farm supplying `processor` (new, or one with a use left).
    fn raw_lot(
        &mut self,
        sink: &mut dyn FnMut(Event) -> SinkResult,
        farms: &[usize],
        minutes: i64,
    ) -> anyhow::Result<RawLot> {
        if let Some(i) = (0..self.raw.len()).find(|i| farms.contains(&self.raw[*i].farm)) {
            let mut lot = self.raw.swap_remove(i);
            lot.uses -= 1;
            if lot.uses > 0 {
                self.raw.push(lot.clone());
            }
            return Ok(lot);
        }
        let farm = farms[self.rng.below(farms.len())];
        let gtin = self.ent(farm).products[0].gtin.clone();
        let (class, number) = self.new_lot(&gtin);
        let quantity = f64::from(500 + self.rng.below(4500) as u32);
        let site = location(&self.ent(farm).sites[0]);
        let mut e = self.object(minutes - 2880, Action::Add, "commissioning", &site);
        e.quantity_list = vec![quantity_of(&class, quantity, uom(self.ent(farm)))];
        e.ilmd = Some(vec![lot_number(&number)]);
        self.emit(sink, e)?;
        self.file(farm, &class, quantity, Vec::new());
        let lot = RawLot {
            class,
            farm,
            quantity,
            uses: 1 + self.rng.below(2) as u8,
        };
        if lot.uses > 1 {
            let mut kept = lot.clone();
            kept.uses -= 1;
            self.raw.push(kept);
        }
        Ok(lot)
    }

    /// Ships a raw lot from its farm to `to` (through border ports when it comes from abroad).
    fn deliver_raw(
        &mut self,
        sink: &mut dyn FnMut(Event) -> SinkResult,
        lot: &RawLot,
        to: usize,
        minutes: i64,
    ) -> SinkResult {
        let farm = self.ent(lot.farm);
        let from_site = location(&farm.sites[0]);
        let to_site = location(&self.ent(to).sites[0]);
        let q = vec![quantity_of(&lot.class, lot.quantity / 2.0, uom(farm))];
        let mut legs = vec![(lot.farm, from_site)];
        if farm.country != "CN" {
            for port in [
                self.world.with_role_in(Role::Port, farm.country),
                self.world.with_role_in(Role::Port, "CN"),
            ] {
                if let Some(p) = port.last() {
                    legs.push((*p, location(&self.ent(*p).sites[0])));
                }
            }
        }
        legs.push((to, to_site));
        for (i, pair) in legs.windows(2).enumerate() {
            let ((a, a_site), (b, b_site)) = (&pair[0], &pair[1]);
            let t = minutes - 1440 + i as i64 * 240;
            let mut e = self.object(t, Action::Observe, "shipping", a_site);
            e.quantity_list = q.clone();
            self.ship(&mut e, *a, a_site, *b, b_site);
            self.emit(sink, e)?;
            let step = if *b == to { "receiving" } else { "arriving" };
            let mut e = self.object(t + 180, Action::Observe, step, b_site);
            e.quantity_list = q.clone();
            self.emit(sink, e)?;
        }
        Ok(())
    }

    /// One processor lot: inputs, transformation, items in cases; returns the cases.
    fn processor_lot(
        &mut self,
        sink: &mut dyn FnMut(Event) -> SinkResult,
        p: usize,
        minutes: i64,
    ) -> anyhow::Result<Vec<Case>> {
        let farms = self.suppliers(p, Role::Farm, 5);
        let mut inputs = Vec::new();
        for k in 0..2 + self.rng.below(3) {
            let lot = self.raw_lot(sink, &farms, minutes)?;
            if !inputs.iter().any(|l: &RawLot| l.class == lot.class) {
                self.deliver_raw(sink, &lot, p, minutes + k as i64)?;
                inputs.push(lot);
            }
        }
        let factory = location(&self.ent(p).sites[0]);
        let product = self.rng.below(self.ent(p).products.len());
        let gtin = self.ent(p).products[product].gtin.clone();
        let (class, number) = self.new_lot(&gtin);
        let mut t = Event::new(EventType::TransformationEvent, self.at(minutes));
        t.biz_step = Some(cbv("BizStep", "commissioning"));
        t.read_point = Some(Location {
            id: factory.clone(),
            extensions: Vec::new(),
        });
        t.biz_location = t.read_point.clone();
        t.input_quantity_list = inputs
            .iter()
            .map(|l| quantity_of(&l.class, l.quantity / 2.0, uom(self.ent(l.farm))))
            .collect();
        let cases = 8 + self.rng.below(12);
        t.output_quantity_list = vec![quantity_of(&class, (cases * 6) as f64 * 0.5, "KGM")];
        t.ilmd = Some(vec![lot_number(&number)]);
        self.emit(sink, t)?;
        let used = inputs.iter().map(|l| l.class.clone()).collect();
        self.file(p, &class, (cases * 6) as f64 * 0.5, used);
        let mut out = Vec::with_capacity(cases);
        for c in 0..cases {
            let items: Vec<String> = (0..6)
                .map(|_| {
                    let s = self.next_serial();
                    format!("https://id.gs1.org/01/{gtin}/21/{s}")
                })
                .collect();
            let at = minutes + 30 + c as i64;
            let mut e = self.object(at, Action::Add, "commissioning", &factory);
            e.disposition = Some(cbv("Disp", "active"));
            e.epc_list = items.clone();
            e.ilmd = Some(vec![lot_number(&number)]);
            self.emit(sink, e)?;
            let sscc = self.sscc(p);
            let mut e = aggregation(self.at(at + 1), Action::Add, &sscc, &items);
            e.biz_step = Some(cbv("BizStep", "packing"));
            e.biz_location = Some(Location {
                id: factory.clone(),
                extensions: Vec::new(),
            });
            self.emit(sink, e)?;
            out.push(Case { sscc, items });
        }
        Ok(out)
    }

    /// Suppliers of an enterprise with `role`: a fixed subset, chosen by its index.
    fn suppliers(&self, of: usize, role: Role, n: usize) -> Vec<usize> {
        let all = self.world.with_role(role);
        (0..n.min(all.len()))
            .map(|k| all[(of * 7 + k * 5) % all.len()])
            .collect()
    }

    /// Palletises a lot's cases and ships the pallets to one distributor, who breaks them down.
    fn ship_to_distributor(
        &mut self,
        sink: &mut dyn FnMut(Event) -> SinkResult,
        p: usize,
        cases: Vec<Case>,
    ) -> anyhow::Result<(usize, Vec<Case>)> {
        let abroad = self.rng.below(5) == 0;
        let country = if abroad {
            ["VN", "TH"][self.rng.below(2)]
        } else {
            "CN"
        };
        let dists = self.world.with_role_in(Role::Distributor, country);
        let dist = dists[self.rng.below(dists.len())];
        let dist_site = {
            let d = self.ent(dist);
            location(&d.sites[self.rng.below(d.sites.len())])
        };
        let factory = location(&self.ent(p).sites[0]);
        let mut legs = vec![(p, factory.clone())];
        if abroad {
            let cn_port = self.world.with_role_in(Role::Port, "CN");
            legs.push((cn_port[0], location(&self.ent(cn_port[0]).sites[0])));
        }
        legs.push((dist, dist_site.clone()));
        for chunk in cases.chunks(8) {
            let pallet = self.sscc(p);
            let children: Vec<String> = chunk.iter().map(|c| c.sscc.clone()).collect();
            let mut e = aggregation(self.at(120), Action::Add, &pallet, &children);
            e.biz_step = Some(cbv("BizStep", "packing"));
            e.biz_location = Some(Location {
                id: factory.clone(),
                extensions: Vec::new(),
            });
            self.emit(sink, e)?;
            for (i, pair) in legs.windows(2).enumerate() {
                let ((a, a_site), (b, b_site)) = (&pair[0], &pair[1]);
                let t = 180 + i as i64 * 600;
                let mut e = self.object(t, Action::Observe, "shipping", a_site);
                e.epc_list = vec![pallet.clone()];
                self.ship(&mut e, *a, a_site, *b, b_site);
                self.emit(sink, e)?;
                let step = if *b == dist { "receiving" } else { "departing" };
                let mut e = self.object(t + 300, Action::Observe, step, b_site);
                e.epc_list = vec![pallet.clone()];
                self.emit(sink, e)?;
            }
            let mut e = aggregation(self.at(1200), Action::Delete, &pallet, &children);
            e.biz_step = Some(cbv("BizStep", "unpacking"));
            e.biz_location = Some(Location {
                id: dist_site.clone(),
                extensions: Vec::new(),
            });
            self.emit(sink, e)?;
        }
        Ok((dist, cases))
    }

    /// Mixed pallets from a distributor's pool to retailers' stores; cases opened, items sold.
    fn ship_to_retail(
        &mut self,
        sink: &mut dyn FnMut(Event) -> SinkResult,
        dist: usize,
        pool: Vec<Case>,
    ) -> SinkResult {
        let country = self.ent(dist).country;
        let retailers = self.world.with_role_in(Role::Retailer, country);
        let dist_site = location(&self.ent(dist).sites[0]);
        for chunk in pool.chunks(6 + self.rng.below(5)) {
            let retailer = retailers[self.rng.below(retailers.len())];
            let store = {
                let r = self.ent(retailer);
                location(&r.sites[self.rng.below(r.sites.len())])
            };
            let pallet = self.sscc(dist);
            let children: Vec<String> = chunk.iter().map(|c| c.sscc.clone()).collect();
            let mut e = aggregation(self.at(1440), Action::Add, &pallet, &children);
            e.biz_step = Some(cbv("BizStep", "packing"));
            e.biz_location = Some(Location {
                id: dist_site.clone(),
                extensions: Vec::new(),
            });
            self.emit(sink, e)?;
            let mut e = self.object(1500, Action::Observe, "shipping", &dist_site);
            e.epc_list = vec![pallet.clone()];
            self.ship(&mut e, dist, &dist_site, retailer, &store);
            self.emit(sink, e)?;
            let mut e = self.object(1800, Action::Observe, "receiving", &store);
            e.epc_list = vec![pallet.clone()];
            self.emit(sink, e)?;
            let mut e = aggregation(self.at(1830), Action::Delete, &pallet, &[]);
            e.biz_step = Some(cbv("BizStep", "unpacking"));
            e.biz_location = Some(Location {
                id: store.clone(),
                extensions: Vec::new(),
            });
            self.emit(sink, e)?;
            for (c, case) in chunk.iter().enumerate() {
                let mut e = aggregation(self.at(1900 + c as i64), Action::Delete, &case.sscc, &[]);
                e.biz_step = Some(cbv("BizStep", "unpacking"));
                e.biz_location = Some(Location {
                    id: store.clone(),
                    extensions: Vec::new(),
                });
                self.emit(sink, e)?;
                self.sell(sink, &store, &case.items)?;
            }
        }
        Ok(())
    }

    /// About half of a case's items sold, one or two to a basket.
    fn sell(
        &mut self,
        sink: &mut dyn FnMut(Event) -> SinkResult,
        store: &str,
        items: &[String],
    ) -> SinkResult {
        let sold = &items[..items.len() / 2 + self.rng.below(2)];
        for (b, basket) in sold.chunks(1 + self.rng.below(2)).enumerate() {
            let mut e = self.object(
                2000 + b as i64 * 17,
                Action::Observe,
                "retail_selling",
                store,
            );
            e.disposition = Some(cbv("Disp", "retail_sold"));
            e.epc_list = basket.to_vec();
            self.emit(sink, e)?;
        }
        Ok(())
    }

    /// A rare-earth lot: ore from a mine to a smelter, oxide by quantity in a pallet to a
    /// distributor.
    fn smelter_lot(&mut self, sink: &mut dyn FnMut(Event) -> SinkResult, s: usize) -> SinkResult {
        let mines = self.suppliers(s, Role::Mine, 2);
        let ore = self.raw_lot(sink, &mines, 60)?;
        self.deliver_raw(sink, &ore, s, 60)?;
        let plant = location(&self.ent(s).sites[0]);
        let gtin = self.ent(s).products[0].gtin.clone();
        let (oxide, number) = self.new_lot(&gtin);
        let mut t = Event::new(EventType::TransformationEvent, self.at(300));
        t.biz_step = Some(cbv("BizStep", "commissioning"));
        t.biz_location = Some(Location {
            id: plant.clone(),
            extensions: Vec::new(),
        });
        t.input_quantity_list = vec![quantity_of(&ore.class, ore.quantity / 2.0, "TNE")];
        t.output_quantity_list = vec![quantity_of(&oxide, 2000.0, "KGM")];
        t.ilmd = Some(vec![lot_number(&number)]);
        self.emit(sink, t)?;
        self.file(s, &oxide, 2000.0, vec![ore.class.clone()]);
        let pallet = self.sscc(s);
        let mut e = Event::new(EventType::AggregationEvent, self.at(360));
        e.action = Some(Action::Add);
        e.parent_id = Some(pallet.clone());
        e.child_quantity_list = vec![quantity_of(&oxide, 1000.0, "KGM")];
        e.biz_step = Some(cbv("BizStep", "packing"));
        e.biz_location = Some(Location {
            id: plant.clone(),
            extensions: Vec::new(),
        });
        self.emit(sink, e)?;
        let dists = self.world.with_role_in(Role::Distributor, "CN");
        let dist = dists[self.rng.below(dists.len())];
        let dist_site = location(&self.ent(dist).sites[0]);
        let mut e = self.object(400, Action::Observe, "shipping", &plant);
        e.epc_list = vec![pallet.clone()];
        self.ship(&mut e, s, &plant, dist, &dist_site);
        self.emit(sink, e)?;
        let mut e = self.object(900, Action::Observe, "receiving", &dist_site);
        e.epc_list = vec![pallet];
        self.emit(sink, e)
    }
}

fn uom(e: &EnterpriseSpec) -> &'static str {
    if e.role == Role::Mine { "TNE" } else { "KGM" }
}

fn quantity_of(class: &str, quantity: f64, uom: &str) -> QuantityElement {
    QuantityElement {
        epc_class: class.to_owned(),
        quantity: Some(quantity),
        uom: Some(uom.to_owned()),
    }
}

fn lot_number(number: &str) -> ExtElement {
    ExtElement {
        ns: CBVMDA_NS.into(),
        prefix: "cbvmda".into(),
        local: "lotNumber".into(),
        attrs: Vec::new(),
        value: ExtValue::Text(number.to_owned()),
    }
}

fn aggregation(
    at: DateTime<FixedOffset>,
    action: Action,
    parent: &str,
    children: &[String],
) -> Event {
    let mut e = Event::new(EventType::AggregationEvent, at);
    e.action = Some(action);
    e.parent_id = Some(parent.to_owned());
    e.child_epcs = children.to_vec();
    e
}
