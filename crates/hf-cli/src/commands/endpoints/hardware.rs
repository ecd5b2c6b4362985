//! `hf endpoints hardware`: the instances a vendor and region offer, as Python's table.

use super::common::NamespaceOpt;
use crate::args::TokenArg;
use crate::commands::Context;
use crate::output::Listing;
use hf_hub::api::EndpointHardware;
use serde::Serialize;

#[derive(Debug, clap::Args)]
pub(crate) struct HardwareArgs {
    #[command(flatten)]
    pub(crate) namespace: NamespaceOpt,
    /// Only show hardware hosted by this cloud provider (e.g. 'aws').
    #[arg(long)]
    pub(crate) vendor: Option<String>,
    /// Only show hardware available in this cloud region (e.g. 'us-east-1').
    #[arg(long)]
    pub(crate) region: Option<String>,
    /// Only show hardware with this accelerator (e.g. 'cpu', 'gpu', 'neuron').
    #[arg(long)]
    pub(crate) accelerator: Option<String>,
    /// Only show hardware of this instance type (e.g. 'nvidia-l4').
    #[arg(long)]
    pub(crate) instance_type: Option<String>,
    /// Also show hardware that cannot be deployed on right now (unavailable, deprecated or out
    /// of quota).
    #[arg(short = 'a', long = "all")]
    pub(crate) show_all: bool,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// A row of `hf endpoints hardware`: the hardware and its quota (`used/max`).
#[derive(Debug, Serialize)]
pub(crate) struct HardwareRow {
    #[serde(flatten)]
    pub(crate) hardware: EndpointHardware,
    pub(crate) quota: String,
}

pub(crate) async fn hardware(a: HardwareArgs, context: &mut Context) -> anyhow::Result<()> {
    let api = context.session.hub_api(a.token.flag())?;
    let all = api
        .list_endpoint_hardware(a.namespace.namespace.as_deref())
        .await?;
    let same = |filter: &Option<String>, value: &str| {
        filter
            .as_ref()
            .is_none_or(|f| f.eq_ignore_ascii_case(value))
    };
    let matching: Vec<&EndpointHardware> = all
        .iter()
        .filter(|h| {
            same(&a.vendor, &h.vendor)
                && same(&a.region, &h.region)
                && same(&a.accelerator, &h.accelerator)
                && same(&a.instance_type, &h.instance_type)
        })
        .collect();
    let mut visible: Vec<&EndpointHardware> = matching
        .iter()
        .copied()
        .filter(|h| a.show_all || h.is_deployable())
        .collect();
    visible.sort_by(|x, y| {
        (
            &x.vendor,
            &x.region,
            &x.accelerator,
            &x.instance_type,
            x.num_accelerators,
        )
            .cmp(&(
                &y.vendor,
                &y.region,
                &y.accelerator,
                &y.instance_type,
                y.num_accelerators,
            ))
    });
    let note = what_next(&a, &all, &matching, &visible);
    let items: Vec<HardwareRow> = visible
        .into_iter()
        .map(|h| HardwareRow {
            quota: format!("{}/{}", h.used_accelerators, h.max_accelerators),
            hardware: h.clone(),
        })
        .collect();
    context.output.emit(&Listing {
        items,
        headers: &[
            "VENDOR",
            "REGION",
            "ACCELERATOR",
            "INSTANCE_TYPE",
            "INSTANCE_SIZE",
            "MEMORY_GB",
            "GPU_MEMORY_GB",
            "PRICE_PER_HOUR",
            "QUOTA",
            "STATUS",
        ],
        row: |r: &HardwareRow| {
            let h = &r.hardware;
            vec![
                h.vendor.clone(),
                h.region.clone(),
                h.accelerator.clone(),
                h.instance_type.clone(),
                h.instance_size.clone(),
                h.memory_gb.to_string(),
                h.gpu_memory_gb.map(|g| g.to_string()).unwrap_or_default(),
                h.price_per_hour.to_string(),
                r.quota.clone(),
                h.status.clone(),
            ]
        },
        id: |r| r.hardware.id.clone(),
    })?;
    context.output.note(&note);
    Ok(())
}

/// The line under the table, as Python's: a deploy command for the first deployable
/// instance, or why nothing is shown (the quota, `--all`, or which filter matched nothing).
fn what_next(
    a: &HardwareArgs,
    all: &[EndpointHardware],
    matching: &[&EndpointHardware],
    visible: &[&EndpointHardware],
) -> String {
    if let Some(h) = visible.iter().find(|h| h.is_deployable()) {
        format!(
            "Deploy on one of these, e.g.: hf endpoints deploy my-endpoint --repo <repo> --framework <framework> \
         --vendor {} --region {} --accelerator {} --instance-type {} --instance-size {}",
            h.vendor, h.region, h.accelerator, h.instance_type, h.instance_size
        )
    } else if !visible.is_empty() {
        "None of these can be deployed on right now, see the QUOTA and STATUS columns.".to_owned()
    } else if !matching.is_empty() {
        "Use '--all' to also show hardware that cannot be deployed on right now.".to_owned()
    } else {
        let unknown: Vec<String> = [
            (
                "--vendor",
                &a.vendor,
                all.iter().map(|h| h.vendor.as_str()).collect::<Vec<_>>(),
            ),
            (
                "--region",
                &a.region,
                all.iter().map(|h| h.region.as_str()).collect(),
            ),
            (
                "--accelerator",
                &a.accelerator,
                all.iter().map(|h| h.accelerator.as_str()).collect(),
            ),
            (
                "--instance-type",
                &a.instance_type,
                all.iter().map(|h| h.instance_type.as_str()).collect(),
            ),
        ]
        .into_iter()
        .filter_map(|(flag, value, valid)| {
            let value = value.as_ref()?;
            let mut valid: Vec<&str> = valid;
            valid.sort_unstable();
            valid.dedup();
            (!valid.iter().any(|v| v.eq_ignore_ascii_case(value)))
                .then(|| format!("{flag} '{value}' (valid: {})", valid.join(", ")))
        })
        .collect();
        if unknown.is_empty() {
            "No hardware matches all of these filters at once. Try dropping one.".to_owned()
        } else {
            format!("No such hardware: {}.", unknown.join("; "))
        }
    }
}
